/** Counts the uploads each account has in progress on this replica, up to a limit. */
export class UploadSlots {
  private readonly active = new Map<string, number>();

  constructor(readonly perAccount: number) {}

  /** A slot for one more upload of the account (call the answer to free it), or null at the limit. */
  take(accountId: string): (() => void) | null {
    const count = this.active.get(accountId) ?? 0;
    if (count >= this.perAccount) return null;
    this.active.set(accountId, count + 1);
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const left = (this.active.get(accountId) ?? 1) - 1;
      if (left > 0) this.active.set(accountId, left);
      else this.active.delete(accountId);
    };
  }
}
