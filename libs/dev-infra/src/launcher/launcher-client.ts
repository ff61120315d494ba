import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { controlSocketPath, type ControlReply, type ControlRequest } from './control-socket';

/** How a `kinema` command ended: the launcher's answer, or why it could not be had. */
export type LauncherAnswer = { ok: true; text: string } | { ok: false; error: string };

/**
 * Sends one request to the running `npm start` (its control socket in `dataDir`) and resolves with
 * the outcome; progress lines go to `onProgress` as they arrive. Rejects when no launcher answers.
 * Aborting `signal` ends this side of the connection (the launcher stops what it was doing, as
 * `chaos` undoes its fault) and still waits for the outcome.
 */
export async function askLauncher(
  dataDir: string,
  message: ControlRequest,
  onProgress: (text: string) => void = () => undefined,
  signal?: AbortSignal,
): Promise<LauncherAnswer> {
  const path = controlSocketPath(dataDir);
  const socket = connect(path);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', () =>
      reject(new Error(`no running \`npm start\` answers on ${path}; start one first`)),
    );
  });
  socket.write(`${JSON.stringify(message)}\n`);
  signal?.addEventListener('abort', () => socket.end(), { once: true });
  let answer: LauncherAnswer = { ok: false, error: 'the launcher closed the connection' };
  for await (const line of createInterface({ input: socket })) {
    const reply = JSON.parse(line) as ControlReply;
    if (reply.kind === 'progress') onProgress(reply.text);
    else answer = reply.ok ? { ok: true, text: reply.text } : { ok: false, error: reply.error };
  }
  return answer;
}
