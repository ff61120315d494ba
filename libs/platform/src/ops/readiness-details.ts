import { Injectable } from '@nestjs/common';

/**
 * What /readyz reports beside up or down: state a process keeps serving through (Kafka away,
 * events queueing in the outbox, a consumer still joining) but that operators and tests need to see.
 */
@Injectable()
export class ReadinessDetails {
  private readonly sources = new Map<string, () => Record<string, unknown>>();

  register(name: string, source: () => Record<string, unknown>): void {
    this.sources.set(name, source);
  }

  snapshot(): Record<string, unknown> {
    return Object.fromEntries([...this.sources].map(([name, source]) => [name, source()]));
  }
}
