import { Agent, request } from 'node:http';
import { percentile } from './steady-load';

/** One keep-alive connection to the gateway port, and the gateway replica behind it. */
interface PinnedGateway {
  replica: string;
  send(
    method: string,
    path: string,
    headers?: Record<string, string>,
    body?: string,
  ): Promise<Answer>;
  close(): void;
}

interface Answer {
  status: number;
  body: string;
  /** The gateway replica that answered (the first name in `x-served-by`). */
  replica: string;
}

function pinnedConnection(gatewayUrl: string): Omit<PinnedGateway, 'replica'> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send: PinnedGateway['send'] = (method, path, headers = {}, body) =>
    new Promise((resolve, reject) => {
      const outgoing = request(
        new URL(path, gatewayUrl),
        { method, agent, headers, timeout: 10_000 },
        (incoming) => {
          let text = '';
          incoming.setEncoding('utf8');
          incoming.on('data', (chunk: string) => (text += chunk));
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              body: text,
              replica:
                String(incoming.headers['x-served-by'] ?? '')
                  .split(',')[0]
                  ?.trim() ?? '',
            }),
          );
          incoming.on('error', reject);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${path} timed out`)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/**
 * Connections to two different gateway replicas behind one port: the kernel (SO_REUSEPORT) or a
 * Service picks the replica per connection, so new connections are opened until two differ.
 */
async function twoGateways(
  gatewayUrl: string,
  path: string,
): Promise<[PinnedGateway, PinnedGateway]> {
  const found = new Map<string, PinnedGateway>();
  for (let attempt = 0; attempt < 64 && found.size < 2; attempt++) {
    const connection = pinnedConnection(gatewayUrl);
    const { replica } = await connection.send('GET', path);
    if (replica && !found.has(replica)) found.set(replica, { ...connection, replica });
    else connection.close();
  }
  const [first, second] = [...found.values()];
  if (!first || !second) throw new Error('64 connections all reached one gateway replica');
  return [first, second];
}

export interface StalenessOptions {
  /** A published title the probes rename (its name is changed and not restored). */
  titleId: string;
  /** Headers of an admin (Authorization). */
  admin: Record<string, string>;
  probes: number;
  /** A change not seen after this long counts as unseen. */
  timeoutMs?: number;
}

export interface StalenessResult {
  /**
   * Per probe: ms from the write's answer until the other replica no longer answers from its old
   * cache entry, i.e. to the start of the first read there that showed the change (the read before
   * it, which started earlier, still showed the old title). The invalidation delay, at most.
   */
  delaysMs: number[];
  /** Per probe: ms from the write's answer to the end of that first read (one uncached read more). */
  visibleMs: number[];
  /** Probes whose change the other replica did not show within timeoutMs. */
  unseen: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Cross-replica staleness: how long after a write through one gateway replica the other still
 * answers the old title from its cache. Each probe warms the reader's cache, renames the title
 * through the writer (alternating directions) and reads through the other connection back to
 * back until the new name appears. A probe whose connection moved to another replica (closed by
 * age, reopened elsewhere) is redone on two connections pinned anew.
 */
export async function crossReplicaStaleness(
  gatewayUrl: string,
  options: StalenessOptions,
): Promise<StalenessResult> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const path = `/api/v1/titles/${options.titleId}`;
  let gateways = await twoGateways(gatewayUrl, path);
  const delaysMs: number[] = [];
  const visibleMs: number[] = [];
  let unseen = 0;
  let redone = 0;
  try {
    // The version each write is made against comes from the previous write's answer, not from a
    // read: a read through a replica whose cache is still stale (the very thing measured) would
    // give an old version and the write a 412.
    let version: number | undefined;
    for (let probe = 0; delaysMs.length + unseen < options.probes; probe++) {
      const writer = gateways[probe % 2] as PinnedGateway;
      const reader = gateways[(probe + 1) % 2] as PinnedGateway;
      if (version === undefined) {
        const current = await writer.send('GET', path, options.admin);
        if (current.status !== 200)
          throw new Error(`GET ${path}: ${current.status} ${current.body}`);
        version = (JSON.parse(current.body) as { version: number }).version;
      }
      // The reader holds the title in its cache before the change.
      await reader.send('GET', path);
      const name = `Staleness probe ${probe} ${Date.now().toString(36)}`;
      const written = await writer.send(
        'PATCH',
        path,
        {
          ...options.admin,
          'content-type': 'application/merge-patch+json',
          'if-match': `"${version}"`,
        },
        JSON.stringify({ name }),
      );
      const writtenAt = performance.now();
      if (written.status === 412 && ++redone <= options.probes) {
        // Changed by someone else meanwhile: read it again and redo the probe.
        version = undefined;
        continue;
      }
      if (written.status !== 200)
        throw new Error(`PATCH ${path}: ${written.status} ${written.body}`);
      version = (JSON.parse(written.body) as { version: number }).version;
      let moved = written.replica !== writer.replica;
      let seenAfter: number | undefined;
      let visibleAfter = 0;
      while (!moved && seenAfter === undefined && performance.now() - writtenAt < timeoutMs) {
        const startedAt = performance.now();
        const read = await reader.send('GET', path);
        moved = read.replica !== reader.replica;
        if (read.status === 200 && (JSON.parse(read.body) as { name: string }).name === name) {
          seenAfter = Math.max(0, startedAt - writtenAt);
          visibleAfter = performance.now() - writtenAt;
        }
      }
      if (moved) {
        if (++redone > options.probes) {
          throw new Error(
            `the connections keep changing replicas (pinned to ${writer.replica} and ${reader.replica}; ` +
              `last write answered by "${written.replica}")`,
          );
        }
        // A connection closed by age (HTTP_MAX_CONNECTION_AGE_MS) came back on another replica:
        // pin two again.
        for (const gateway of gateways) gateway.close();
        gateways = await twoGateways(gatewayUrl, path);
        continue;
      }
      if (seenAfter === undefined) unseen++;
      else {
        delaysMs.push(seenAfter);
        visibleMs.push(visibleAfter);
      }
      // Probes spread over the relay's poll cycle instead of locking onto its phase.
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
    }
  } finally {
    for (const gateway of gateways) gateway.close();
  }
  return {
    delaysMs,
    visibleMs,
    unseen,
    p50: percentile(delaysMs, 50),
    p99: percentile(delaysMs, 99),
    max: Math.max(...delaysMs),
  };
}
