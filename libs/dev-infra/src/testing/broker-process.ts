import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { isSupervisionMessage } from '@kinema/contracts/supervision';

/** The embedded broker in a process of its own, which a test can freeze. */
export interface BrokerProcess {
  /** "host:port" */
  address: string;
  /**
   * Freezes the broker (SIGSTOP): a hung broker. Its port still takes connections (the kernel
   * queues them) and holds those already open, but no request is ever answered.
   */
  freeze(): void;
  /** Kills the process, frozen or not, and resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts the broker's command line (`kafka/cli`) as a child process, ready once it reports its
 * port over IPC. In-process brokers cannot hang: a frozen event loop would freeze the test too.
 */
export async function startBrokerProcess(): Promise<BrokerProcess> {
  const extension = path.extname(__filename);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, '..', 'kafka', `cli${extension}`), '--port', '0'],
    { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  const exited = once(child, 'exit');
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message) => {
      if (isSupervisionMessage(message) && message.type === 'kinema.listening')
        resolve(message.listeners.kafka ?? 0);
    });
    void exited.then(([code]) => reject(new Error(`the broker exited with ${String(code)}`)));
  });
  return {
    address: `127.0.0.1:${port}`,
    freeze: () => void child.kill('SIGSTOP'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
