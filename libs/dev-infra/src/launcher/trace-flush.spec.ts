import type { SupervisionMessage } from '@kinema/contracts';
import type { ManagedProcess, MessageListener } from './supervisor';
import { flushTraces } from './trace-flush';

/** What each process does when asked to flush: answer (maybe with an error), or nothing. */
type Behaviour = { answers: true; error?: string } | { answers: false };

/** A supervisor of fake processes that answer `kinema.flush-traces` as `behaviour` says. */
function fakeSupervisor(
  processes: Array<{ name: string; service: string; ready?: boolean; frozen?: boolean }>,
  behaviour: Record<string, Behaviour>,
) {
  const listeners: MessageListener[] = [];
  const running = processes.map(
    ({ name, service, ready = true }) =>
      ({ spec: { name, service }, readyAfterMs: ready ? 1200 : 0 }) as ManagedProcess,
  );
  const asked: string[] = [];
  return {
    asked,
    running,
    isFrozen: (name: string) => processes.some((p) => p.name === name && p.frozen === true),
    onMessage(listener: MessageListener) {
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    },
    send(name: string, message: SupervisionMessage) {
      const managed = running.find((p) => p.spec.name === name);
      if (!managed || message.type !== 'kinema.flush-traces') return false;
      asked.push(name);
      const answer = behaviour[name];
      if (answer?.answers) {
        const reply: SupervisionMessage = {
          type: 'kinema.traces-flushed',
          id: message.id,
          ...(answer.error ? { error: answer.error } : {}),
        };
        // Later, as over IPC, but before any timer can fire: a microtask.
        queueMicrotask(() => listeners.forEach((listener) => listener(managed, reply)));
      }
      return true;
    },
  };
}

describe('flushing the spans before `kinema trace` reads them', () => {
  it('asks every ready service process, and is done once each has answered', async () => {
    const supervisor = fakeSupervisor(
      [
        { name: 'gateway', service: 'gateway' },
        { name: 'catalog', service: 'catalog' },
        { name: 'catalog-2', service: 'catalog' },
        { name: 'users', service: 'users', ready: false },
        { name: 'pglite', service: 'pglite' },
      ],
      { gateway: { answers: true }, catalog: { answers: true }, 'catalog-2': { answers: true } },
    );
    // Done long before a timeout of a minute would pass (the test's own limit is 5 s).
    await expect(flushTraces(supervisor, 60_000)).resolves.toEqual([]);
    expect(supervisor.asked.sort()).toEqual(['catalog', 'catalog-2', 'gateway']);
  });

  it('names the processes whose latest spans may be missing, and why', async () => {
    const supervisor = fakeSupervisor(
      [
        { name: 'gateway', service: 'gateway' },
        { name: 'catalog', service: 'catalog' },
        { name: 'catalog-2', service: 'catalog', frozen: true },
        { name: 'videos', service: 'videos' },
      ],
      {
        gateway: { answers: true },
        catalog: { answers: true, error: 'Error: connect ECONNREFUSED' },
        videos: { answers: false },
      },
    );
    await expect(flushTraces(supervisor, 50)).resolves.toEqual([
      'catalog-2 (frozen: a hung replica)',
      'catalog (Error: connect ECONNREFUSED)',
      'videos (no answer within 0.05 s)',
    ]);
    expect(supervisor.asked).not.toContain('catalog-2');
  });

  it('is done at once with no service process running', async () => {
    const supervisor = fakeSupervisor([{ name: 'pglite', service: 'pglite' }], {});
    await expect(flushTraces(supervisor, 60_000)).resolves.toEqual([]);
  });
});
