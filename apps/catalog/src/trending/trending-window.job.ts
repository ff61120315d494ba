import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { utcDay } from './playback-event.payload';
import { TrendingRepository } from './trending.repository';

// The window moves once a day; checking often keeps a day's old views from lingering long
// after midnight UTC, and a check that finds nothing to move is a single-row read.
const CHECK_EVERY_MS = 10 * 60_000;

/** Keeps the trending window on the last 7 UTC days: at boot, then every few minutes. */
@Injectable()
export class TrendingWindowJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TrendingWindowJob.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly trending: TrendingRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
    this.timer = setInterval(() => this.schedule(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Moves the window to end on `today` (UTC, YYYY-MM-DD); answers its first day. */
  advance(today: string = utcDay(new Date().toISOString())): Promise<string> {
    return this.dataSource.transaction((manager) => this.trending.advanceWindow(manager, today));
  }

  private schedule(): void {
    this.running = this.running
      .then(() => this.advance())
      .catch((error: unknown) =>
        // The next check retries; counts stay correct meanwhile, only a day longer.
        this.logger.warn(`cannot move the trending window yet: ${String(error)}`),
      );
  }
}
