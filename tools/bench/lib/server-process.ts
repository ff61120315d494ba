import { spawn, type Serializable } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:net';
import { resolve } from 'node:path';

/** A server a benchmark loads, running in a process of its own. */
export interface ServerProcess {
  /** http://127.0.0.1:<port>/ */
  url: string;
  port: number;
  pid: number;
  /** Sends the child a message and resolves with the next one it sends back. */
  ask<T>(message: Serializable): Promise<T>;
  stop(): Promise<void>;
}

interface Listening {
  kind: 'listening';
  port: number;
}

const TSCONFIG = resolve(__dirname, '../tsconfig.json');

/**
 * Starts `script` (a TypeScript file of tools/bench) in a child process and resolves once it says
 * over IPC that it listens (announceListening). Baselines and contenders run here rather than in
 * the load generator's process, so they never compete with autocannon for one event loop; the
 * child runs on process.execPath, the Node release the services run on. `message`, if given, is
 * sent to the child first (Buffers survive: the channel uses the advanced serialisation).
 */
export async function startServerProcess(
  script: string,
  args: readonly string[] = [],
  message?: Serializable,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', script, ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
  });
  const pid = child.pid ?? -1;
  const exited = once(child, 'exit');
  const listening = new Promise<number>((done, fail) => {
    child.on('message', (received: Listening) => {
      if (received.kind === 'listening') done(received.port);
    });
    void exited.then(([code, signal]) =>
      fail(new Error(`${script} exited (${code ?? signal}) before it listened`)),
    );
  });
  if (message !== undefined) child.send(message);
  const port = await listening;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    pid,
    ask: async <T>(question: Serializable): Promise<T> => {
      const answer = once(child, 'message') as Promise<[T]>;
      child.send(question);
      return (await answer)[0];
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The child's side: tells the parent which port `server` listens on, and ends this process when
 * the parent goes away (its IPC channel closes), so no baseline outlives a benchmark.
 */
export function announceListening(server: Pick<Server, 'address'> | number): void {
  const address = typeof server === 'number' ? { port: server } : server.address();
  if (!address || typeof address !== 'object') throw new Error('the server is not listening');
  if (!process.send) throw new Error('not started by startServerProcess (no IPC channel)');
  process.on('disconnect', () => process.exit(0));
  process.send({ kind: 'listening', port: address.port } satisfies Listening);
}

/** The child's side: the first message the parent sends (see startServerProcess's `message`). */
export async function firstMessage<T>(): Promise<T> {
  const [message] = (await once(process, 'message')) as [T];
  return message;
}
