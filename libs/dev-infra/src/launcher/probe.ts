/**
 * A GET as the kubelet's probes send it: a connection of its own, closed with the answer. One
 * kept alive would sit idle in this process's pool, and a gateway that stops waits for its
 * connections to end before it exits (ConnectionDrain): 3 s of every gateway stop went to the
 * launcher's own idle connection.
 */
export function probe(url: string, timeoutMs: number): Promise<Response> {
  return fetch(url, { headers: { connection: 'close' }, signal: AbortSignal.timeout(timeoutMs) });
}
