/**
 * Where `npm start` puts each service on loopback unless a variable says otherwise
 * (`CATALOG_GRPC_PORT` and so on), and so where a service or the gateway started on its own looks
 * for its peers. Every default lies below 32768, outside the ranges Linux (32768-60999), macOS
 * and Windows (49152-65535) take a connection's local port from: a port in those ranges can be
 * held for a while by any program's outgoing connection, and a start then fails now and then
 * with the port "in use" although nothing listens there.
 */
export const LOCAL_SERVICE_PORTS = {
  catalog: { grpc: 15051, ops: 9401, pglite: 15431 },
  users: { grpc: 15052, ops: 9402, pglite: 15432 },
  videos: { grpc: 15053, ops: 9403, pglite: 15433 },
} as const;

export type LocalService = keyof typeof LOCAL_SERVICE_PORTS;

/** The gRPC address of a service under `npm start`, e.g. `127.0.0.1:15051`. */
export function localGrpcTarget(service: LocalService): string {
  return `127.0.0.1:${LOCAL_SERVICE_PORTS[service].grpc}`;
}
