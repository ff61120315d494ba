import { TITLE_LIMITS } from '@kinema/contracts';
import { jsonOf, Stopped, type ApiAnswer, type ApiClient } from './api-client';
import type { ListView, TitleView } from './api-views';
import type { SeededRandom } from './seeded-random';
import { SignInFailed, type Session } from './session';
import type { ThinkRange } from './viewer-scenario';

/** What the admin appends to a title's name while it is renamed. */
export const RENAME_MARK = ' (edited by kinema load)';
/** A stale If-Match (412) is read again and retried this many times. */
const CONFLICT_RETRIES = 5;
/**
 * A read after a 412 that still carries the ETag just refused was answered from the cache of a
 * gateway replica that has not yet heard of the change (replicas hear of it by its event, p99
 * under 100 ms: docs/resilience.md). It is asked again this often, this far apart, before the
 * title is taken as it reads.
 */
const STALE_READS = { tries: 5, apartMs: 100 };
const SORTS = ['popular', 'newest', 'name'] as const;

/** What the admin did, for the summary. */
export interface AdminReport {
  renamed: number;
  undone: number;
  /** Titles a run left renamed before (killed mid-rename), given their names back. */
  repaired: number;
  /** Titles it could not rename back, and why. */
  leftRenamed: Array<{ id: string; name: string; reason: string }>;
  /** Why the admin stopped before the run did (refused sign-in, not an admin). */
  stoppedBecause?: string;
}

interface Renamed {
  id: string;
  original: string;
  renamed: string;
  etag: string;
}

/**
 * A catalog editor: now and then renames a title (PATCH with If-Match) and, after a pause, renames
 * it back, so the demo catalog stays as it was. A stale ETag (412) is read again and retried, not
 * counted as a failure. A rename in flight and the undo outlive the run's stop: `undoSignal` (a
 * second Ctrl-C) ends them.
 */
export class Admin {
  readonly report: AdminReport = { renamed: 0, undone: 0, repaired: 0, leftRenamed: [] };
  private pending?: Renamed;
  /**
   * A rename sent whose answer did not arrive (the connection failed, or a second Ctrl-C cut it
   * off): the gateway may have made it or still make it, so the undo settles it first.
   */
  private unanswered?: Renamed;

  constructor(
    private readonly api: ApiClient,
    private readonly session: Session,
    private readonly random: SeededRandom,
    private readonly think: ThinkRange,
    private readonly undoSignal: AbortSignal,
  ) {}

  async run(): Promise<void> {
    try {
      await this.session.signIn();
      for (;;) {
        await this.pause();
        try {
          await this.editOne();
        } catch (error) {
          if (!(error instanceof SignInFailed)) throw error;
        }
      }
    } catch (error) {
      if (error instanceof AdminRefused) this.report.stoppedBecause = error.message;
      else if (!(error instanceof Stopped)) throw error;
    } finally {
      await this.undoPending();
    }
  }

  private async editOne(): Promise<void> {
    const sort = this.random.pick(SORTS) ?? 'popular';
    const page = await this.read(this.api, `/api/v1/titles?limit=20&sort=${sort}`);
    const titles = page.status === 200 ? (jsonOf<ListView<TitleView>>(page)?.items ?? []) : [];
    const chosen = this.random.pick(titles);
    if (!chosen) return;
    await this.pause();
    const current = await this.read(this.api, `/api/v1/titles/${chosen.id}`);
    const title = current.status === 200 ? jsonOf<TitleView>(current) : undefined;
    const etag = current.headers.get('etag');
    if (!title || !etag) return;
    if (title.name.endsWith(RENAME_MARK)) {
      // Left renamed by a run that was killed before it could undo: give the name back.
      const original = title.name.slice(0, -RENAME_MARK.length);
      const done = await this.rename(
        this.api,
        { id: title.id, original, renamed: title.name, etag },
        'back',
      ).catch((error: unknown) => {
        // Still renamed or not, it is found again by a later pick or run.
        if (error instanceof AnswerLost) return undefined;
        throw error;
      });
      if (done) this.report.repaired += 1;
      return;
    }
    const renamed = `${title.name}${RENAME_MARK}`;
    if (renamed.length > TITLE_LIMITS.nameLength) return;
    const edit = { id: title.id, original: title.name, renamed, etag };
    this.unanswered = edit;
    let newEtag: string | undefined;
    try {
      // Sent with the undo's signal, not the run's: a stop does not cut off a rename in flight,
      // whose answer says at once whether it was made; one cut off or lost has to be settled by
      // sending it again (madeUnanswered).
      newEtag = await this.rename(this.api.withSignal(this.undoSignal), edit, 'forward');
    } catch (error) {
      if (!(error instanceof AnswerLost)) throw error;
      // Made or not: the undo settles it.
      await this.undoPending();
      return;
    }
    this.unanswered = undefined;
    if (!newEtag) return;
    this.report.renamed += 1;
    this.pending = { ...edit, etag: newEtag };
    await this.pause();
    await this.undoPending();
  }

  /** Renames the pending title back, even after the run stopped (not after undoSignal). */
  private async undoPending(): Promise<void> {
    const api = this.api.withSignal(this.undoSignal);
    const unanswered = this.unanswered;
    this.unanswered = undefined;
    // Until it is settled, a rename whose answer never arrived may have been made: if even that
    // fails, it is reported as left renamed.
    if (unanswered) this.pending = unanswered;
    const pending = this.pending;
    if (!pending) return;
    try {
      const undo = unanswered ? await this.madeUnanswered(api, unanswered) : pending;
      // Not made: nothing to give back.
      if (!undo) this.pending = undefined;
      else if (await this.rename(api, undo, 'back')) {
        this.report.undone += 1;
        this.pending = undefined;
      }
    } catch (error) {
      const expected =
        error instanceof Stopped ||
        error instanceof SignInFailed ||
        error instanceof AdminRefused ||
        error instanceof AnswerLost;
      if (!expected) throw error;
    }
    if (this.pending) {
      this.report.leftRenamed.push({
        id: pending.id,
        name: pending.renamed,
        reason: this.undoSignal.aborted
          ? 'stopped before it was renamed back'
          : 'the rename back failed',
      });
      this.pending = undefined;
    }
  }

  /**
   * A rename whose answer never arrived, settled: it is sent again with the same If-Match. A 200
   * means it is made now, and the first can no longer be (its If-Match is stale); a 412 means the
   * title changed since, by that first rename or by someone else, which the title read back says.
   * A read alone could come before the gateway makes a rename still on its way, and leave it made
   * unseen. Resolves with the rename for the undo (counted as renamed, with its current ETag), or
   * undefined when the title is not renamed.
   */
  private async madeUnanswered(api: ApiClient, edit: Renamed): Promise<Renamed | undefined> {
    const again = await this.write(api, {
      path: `/api/v1/titles/${edit.id}`,
      etag: edit.etag,
      name: edit.renamed,
    });
    if (again.status === 0) throw new AnswerLost(again.failure);
    if (again.status === 200) {
      this.report.renamed += 1;
      return { ...edit, etag: again.headers.get('etag') ?? edit.etag };
    }
    if (again.status !== 412) return undefined;
    const current = await this.readAfterConflict(api, edit.id, edit.etag);
    if (current.status === 0) throw new AnswerLost(current.failure);
    const title = current.status === 200 ? jsonOf<TitleView>(current) : undefined;
    const etag = current.headers.get('etag');
    if (!title || !etag || title.name !== edit.renamed) return undefined;
    this.report.renamed += 1;
    return { ...edit, etag };
  }

  /**
   * PATCHes the name (`forward`: to the renamed one, `back`: to the original) with If-Match; on a
   * 412 reads the title again and retries while it still has the name this expects. Resolves
   * with the new ETag, or undefined when the change was not made; AnswerLost when the gateway's
   * answer did not arrive (it may have made the change).
   */
  private async rename(
    api: ApiClient,
    edit: Renamed,
    direction: 'forward' | 'back',
  ): Promise<string | undefined> {
    const [from, to] =
      direction === 'forward' ? [edit.original, edit.renamed] : [edit.renamed, edit.original];
    let etag = edit.etag;
    for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
      const answer = await this.write(api, {
        path: `/api/v1/titles/${edit.id}`,
        etag,
        name: to,
      });
      if (answer.status === 200) return answer.headers.get('etag') ?? etag;
      if (answer.status === 0) throw new AnswerLost(answer.failure);
      if (answer.status !== 412) return undefined;
      const current = await this.readAfterConflict(api, edit.id, etag);
      const title = current.status === 200 ? jsonOf<TitleView>(current) : undefined;
      const fresh = current.headers.get('etag');
      // Someone else renamed it meanwhile: theirs stands.
      if (!title || !fresh || title.name !== from) return undefined;
      etag = fresh;
    }
    return undefined;
  }

  /** The title as it is after `refused` got a 412: a read still carrying it is asked again. */
  private async readAfterConflict(api: ApiClient, id: string, refused: string): Promise<ApiAnswer> {
    for (let tries = 1; ; tries++) {
      const answer = await this.read(api, `/api/v1/titles/${id}`);
      const stale = answer.status === 200 && answer.headers.get('etag') === refused;
      if (!stale || tries === STALE_READS.tries) return answer;
      await api.pause(STALE_READS.apartMs);
    }
  }

  private async read(api: ApiClient, path: string): Promise<ApiAnswer> {
    return this.checked(await api.send({ method: 'GET', path, token: await this.token(api) }));
  }

  private async write(
    api: ApiClient,
    change: { path: string; etag: string; name: string },
  ): Promise<ApiAnswer> {
    return this.checked(
      await api.send({
        method: 'PATCH',
        path: change.path,
        token: await this.token(api),
        headers: { 'if-match': change.etag },
        json: { name: change.name },
        contentType: 'application/merge-patch+json',
      }),
    );
  }

  private token(api: ApiClient): Promise<string> {
    return this.session.token(api);
  }

  /** A 403 means the account is no admin; a 401 that the session ended (sign in again). */
  private checked(answer: ApiAnswer): ApiAnswer {
    if (answer.status === 403)
      throw new AdminRefused(`${this.session.credentials.email} may not edit titles (403)`);
    if (answer.status === 401) this.session.forget();
    return answer;
  }

  private pause(): Promise<void> {
    return this.api.pause(this.random.between(this.think));
  }
}

/** A write's answer did not arrive (the connection failed, or none came in time). */
class AnswerLost extends Error {
  constructor(failure: string | undefined) {
    super(`no answer: ${failure ?? 'unknown'}`);
    this.name = 'AnswerLost';
  }
}

class AdminRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminRefused';
  }
}
