import { resolve } from 'node:path';
import { startServerProcess, type ServerProcess } from './server-process';

/** grpc-hop-floor.ts: every floor process is that script with a --role. */
export const FLOOR_SCRIPT = resolve(__dirname, '../grpc-hop-floor.ts');

/** The floor's two processes: the bare node:http edge and the bare grpc-js service it calls. */
export interface HopFloor {
  edge: ServerProcess;
  service: ServerProcess;
  stop(): Promise<void>;
}

/**
 * Starts the floor's service, then its edge pointed at it, each in a process of its own.
 * `args` are grpc-hop-floor.ts's options for what the service answers (--bytes, --database).
 */
export async function startHopFloor(args: readonly string[]): Promise<HopFloor> {
  const service = await startServerProcess(FLOOR_SCRIPT, ['--role', 'grpc-service', ...args]);
  const edge = await startServerProcess(FLOOR_SCRIPT, [
    '--role',
    'http-via-grpc',
    '--target',
    `127.0.0.1:${service.port}`,
    ...args,
  ]).catch(async (error: unknown) => {
    await service.stop();
    throw error;
  });
  return {
    edge,
    service,
    stop: async () => {
      await Promise.all([edge.stop(), service.stop()]);
    },
  };
}
