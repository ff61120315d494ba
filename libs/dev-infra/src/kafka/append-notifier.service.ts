export type AppendListener = (topic: string, partition: number) => void;

/** Wakes long-polling Fetch requests when a partition they watch receives data. */
export class AppendNotifier {
  private readonly listeners = new Set<AppendListener>();

  subscribe(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(topic: string, partition: number): void {
    for (const listener of [...this.listeners]) listener(topic, partition);
  }
}
