import type { INestApplicationContext } from '@nestjs/common';
import pino from 'pino';
import { installGracefulShutdown } from './graceful-shutdown';

/** Runs the shutdown of a fake app on SIGTERM and reports how the process would have exited. */
async function shutDown(close: () => Promise<void>, timeoutMs: number) {
  const steps: string[] = [];
  const exited = new Promise<number>((resolve) => {
    jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      resolve(code ?? 0);
      return undefined as never;
    }) as typeof process.exit);
  });
  const listeners = { term: process.listeners('SIGTERM'), int: process.listeners('SIGINT') };
  installGracefulShutdown({ close } as unknown as INestApplicationContext, {
    logger: pino({ level: 'silent' }),
    timeoutMs,
    beforeClose: () => {
      steps.push('drain');
    },
  });
  process.emit('SIGTERM', 'SIGTERM');
  const code = await exited;
  // Leave no handler of this test behind.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!listeners[signal === 'SIGTERM' ? 'term' : 'int'].includes(listener))
        process.off(signal, listener);
    }
  }
  return { code, steps };
}

describe('graceful shutdown', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('drains first, closes the app, then exits 0', async () => {
    const order: string[] = [];
    const { code, steps } = await shutDown(async () => {
      order.push('close');
    }, 1_000);
    expect(steps).toEqual(['drain']);
    expect(order).toEqual(['close']);
    expect(code).toBe(0);
  });

  it('exits 1 once the bound has passed, when closing hangs', async () => {
    const { code } = await shutDown(() => new Promise<void>(() => undefined), 50);
    expect(code).toBe(1);
  });

  it('leaves no exit pending once it has finished within the bound', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const { code } = await shutDown(async () => undefined, 1_000);
    expect(code).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('exits 1 when closing fails', async () => {
    const { code } = await shutDown(() => Promise.reject(new Error('pool would not close')), 1_000);
    expect(code).toBe(1);
  });
});
