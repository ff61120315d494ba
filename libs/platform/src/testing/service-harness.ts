import type { Client } from '@grpc/grpc-js';
import { callUnary, type UnaryMethod } from '../grpc/unary-call';

/** A test's gRPC deadline: generous, it only turns a hung server into a failure, not a stuck suite. */
const TEST_CALL_DEADLINE_MS = 30_000;

/** Calls unary methods of `client` with the test deadline; resolves with the answer (callUnary). */
export function testCaller(
  client: Client,
): <Req, Res>(method: UnaryMethod<Req, Res>, request: Req) => Promise<Res> {
  return (method, request) =>
    callUnary(client, method, request, { deadline: new Date(Date.now() + TEST_CALL_DEADLINE_MS) });
}

/**
 * What a gRPC service's integration harness starts it with besides its own settings: gRPC and ops
 * on the loopback at ports the OS picks, the test database, and Kafka at a closed port, so that
 * events wait in the outbox unless a test starts a broker, and never reach whatever listens on the
 * default port (an `npm start` beside the tests).
 */
export function serviceTestEnv(database: { url: string; poolMax: number }): Record<string, string> {
  return {
    NODE_ENV: 'test',
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    OPS_HOST: '127.0.0.1',
    OPS_PORT: '0',
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: String(database.poolMax),
    KAFKA_BROKERS: '127.0.0.1:1',
  };
}
