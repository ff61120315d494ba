import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GatewayEventsReadiness } from '@kinema/contracts/supervision';
import { CONSUMER_STOP_MS } from '@kinema/platform/kafka';
import type { Logger } from 'pino';
import type { CatalogCache } from '../cache/catalog-cache';
import { SharedTitleChanges } from '../cache/shared-title-changes';
import type { InvalidationWorkerData, InvalidationWorkerMessage } from './invalidation.worker';

/** How long after an unexpected exit the thread is started again, doubling while it keeps failing. */
const RESTART_AFTER_MS = { first: 1_000, max: 30_000 } as const;

export interface InvalidationThreadOptions {
  /** The worker's script; tests run its TypeScript source (with `execArgv` loading it). */
  script?: string;
  execArgv?: string[];
}

/**
 * A thread of the gateway's own that reads the catalog's title events and drops the cache entries
 * they change before the next lookup, however busy the serving thread's event loop is: a change
 * is served stale for about as long as the event takes to arrive, not as long as this thread takes
 * to reach it under load (docs/resilience.md#across-gateway-replicas-rebalancing-and-staleness).
 * It reads with a consumer group of its own, named like the serving feed's and deleted the same
 * way when it stops. Without it (it failed, or Kafka is away) the serving feed still invalidates,
 * later.
 */
export class InvalidationThread {
  private readonly changes = new SharedTitleChanges();
  private worker: Worker | undefined;
  private stopping = false;
  private restart: NodeJS.Timeout | undefined;
  private restartAfterMs: number = RESTART_AFTER_MS.first;
  private running = false;
  private isJoined = false;

  constructor(
    private readonly cache: CatalogCache,
    private readonly data: Omit<InvalidationWorkerData, 'changes'>,
    private readonly logger: Logger,
    private readonly options: InvalidationThreadOptions = {},
  ) {
    this.cache.receiveFrom(this.changes);
  }

  /** Whether the thread's consumer is in its group, i.e. changes arrive through it. */
  get joined(): boolean {
    return this.isJoined;
  }

  /**
   * For readiness: `off` if it was never started (the cache is off, or no compiled worker), else
   * whether it joined.
   */
  get state(): GatewayEventsReadiness['invalidationThread'] {
    if (!this.worker) return 'off';
    return this.isJoined ? 'joined' : 'joining';
  }

  /**
   * Starts the thread (with the cache on; with it off there is nothing to drop). Without the
   * compiled worker beside this file (tests that run the TypeScript sources) the replica serves
   * without it, as when it fails.
   */
  start(): void {
    const script = this.options.script ?? join(__dirname, 'invalidation.worker.js');
    if (!this.cache.enabled || !existsSync(script)) return;
    const workerData: InvalidationWorkerData = { ...this.data, changes: this.changes.buffer };
    const worker = new Worker(script, {
      workerData,
      execArgv: this.options.execArgv ?? [],
      // It holds a Kafka consumer and a few events at a time: V8's default heap sizes would let
      // its garbage grow to tens of MiB before a collection.
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 48 },
    });
    this.worker = worker;
    this.running = true;
    worker.on('message', (message: InvalidationWorkerMessage) => {
      if (!('joined' in message)) return;
      this.isJoined = message.joined;
      if (message.joined) this.restartAfterMs = RESTART_AFTER_MS.first;
    });
    worker.on('error', (error) =>
      this.logger.error({ err: String(error) }, 'invalidation thread failed'),
    );
    worker.on('exit', (code) => {
      this.running = false;
      this.isJoined = false;
      if (this.stopping) return;
      const retryInMs = this.restartAfterMs;
      this.restartAfterMs = Math.min(RESTART_AFTER_MS.max, retryInMs * 2);
      this.logger.warn({ code, retryInMs }, 'invalidation thread exited');
      this.restart = setTimeout(() => this.start(), retryInMs).unref();
    });
  }

  /**
   * Stops the thread once its consumer has left and deleted its group: at most the feed's own stop
   * bound (CONSUMER_STOP_MS), and a second for the thread's messages, before it is terminated.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restart);
    const worker = this.worker;
    if (!worker || !this.running) return;
    const stopped = new Promise<void>((resolve) => {
      worker.on('message', (message: InvalidationWorkerMessage) => {
        if ('stopped' in message) resolve();
      });
      worker.once('exit', () => resolve());
    });
    worker.postMessage('stop');
    await Promise.race([
      stopped,
      new Promise((resolve) => setTimeout(resolve, CONSUMER_STOP_MS + 1_000).unref()),
    ]);
    await worker.terminate();
  }
}
