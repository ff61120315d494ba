import { Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { ReadinessDetails } from '@kinema/platform/ops';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ImageFacts, ImageJob, ImageReply, ImageSize } from './artwork-image.worker';

/** How long the process waits for another image before it exits. */
const IDLE_EXIT_MS = 1_000;

interface Running {
  child: ChildProcess;
  pending: Map<number, { resolve: (reply: ImageReply) => void; reject: (error: Error) => void }>;
}

/**
 * sharp in a process of its own, started on an upload and ended once uploads stop. libvips keeps
 * what it took while resizing: its threads' malloc arenas and the main heap's freed space, which
 * glibc does not give back. Resizing the demo's 40 titles of artwork in the service left it 60-75
 * MiB larger for good (224 MiB at `npm start`'s banner, 148 on a warm start); this process holds
 * about 125 MiB while it works and the system has all of it back when it exits. A file that
 * crashes libvips takes down this process, not the service. Starting it costs about 0.1 s, paid by
 * the first upload of a burst.
 */
@Injectable()
export class ArtworkImageProcess implements OnApplicationShutdown {
  private running: Running | undefined;
  private nextId = 0;
  private idle: NodeJS.Timeout | undefined;
  /** Processes started and not yet exited: one, or for a moment a stopping one beside the next. */
  private readonly alive = new Set<ChildProcess>();

  // Readiness says whether the process is alive, so `npm start` can show its banner once the
  // demo's artwork is drawn and the process that drew it is gone.
  constructor(@Optional() readiness?: ReadinessDetails) {
    readiness?.register('artwork', () => ({
      imageProcess: this.alive.size > 0 ? 'running' : 'stopped',
    }));
  }

  /** The worker's process id while it runs. */
  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  /** The format and dimensions of an image as its header tells them; undefined if unreadable. */
  async inspect(image: Buffer): Promise<ImageFacts | undefined> {
    const reply = await this.call({ op: 'inspect', image });
    return 'facts' in reply ? reply.facts : undefined;
  }

  /** The image cropped (centred) to each size as WebP; undefined if its pixels do not decode. */
  async render(image: Buffer, sizes: ImageSize[]): Promise<Buffer[] | undefined> {
    const reply = await this.call({ op: 'render', image, sizes });
    return 'images' in reply
      ? reply.images.map((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      : undefined;
  }

  onApplicationShutdown(): void {
    clearTimeout(this.idle);
    this.running?.child.kill();
  }

  private call(job: ImageJob): Promise<ImageReply> {
    clearTimeout(this.idle);
    const running = this.running ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      running.pending.set(id, { resolve, reject });
      running.child.send({ ...job, id });
    });
  }

  private start(): Running {
    // Run from its TypeScript sources (the tests), the worker is loaded through tsx as well.
    const fromSources = __filename.endsWith('.ts');
    const child = fork(join(__dirname, `artwork-image.worker.${fromSources ? 'ts' : 'js'}`), [], {
      serialization: 'advanced',
      execArgv: fromSources ? ['--require', 'tsx/cjs'] : [],
    });
    const running: Running = { child, pending: new Map() };
    this.alive.add(child);
    child.once('exit', () => this.alive.delete(child));
    child.on('message', (reply: ImageReply) => {
      running.pending.get(reply.id)?.resolve(reply);
      running.pending.delete(reply.id);
      if (running.pending.size === 0 && this.running === running) {
        this.idle = setTimeout(() => this.stop(running), IDLE_EXIT_MS);
      }
    });
    const failed = (error: Error) => {
      if (this.running === running) this.running = undefined;
      for (const pending of running.pending.values()) pending.reject(error);
      running.pending.clear();
    };
    child.on('error', failed);
    child.on('exit', (code, signal) =>
      failed(new Error(`the artwork image process exited (${signal ?? `code ${code}`})`)),
    );
    this.running = running;
    return running;
  }

  private stop(running: Running): void {
    if (this.running === running) this.running = undefined;
    running.child.disconnect();
  }
}
