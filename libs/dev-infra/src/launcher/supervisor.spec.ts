import { Supervisor, type ProcessSpec } from './supervisor';

/** A spec whose first-start job is `node -e script`; the process itself is never started here. */
function specWithJob(script?: string): ProcessSpec {
  return {
    name: 'catalog',
    service: 'catalog',
    command: process.execPath,
    ports: {},
    launch: () => ({ args: [], env: {} }),
    ready: { kind: 'listening' },
    readyTimeoutMs: 1_000,
    summary: () => '',
    ...(script === undefined
      ? {}
      : { firstStartJob: () => ({ args: ['-e', script], env: { SEEDED: '500' } }) }),
  };
}

describe("a process's first-start job", () => {
  const lines: string[] = [];
  const supervisor = () => new Supervisor((name, line) => lines.push(`${name}: ${line}`));
  beforeEach(() => lines.splice(0));

  it('runs to completion with its environment, its output logged under the job name', async () => {
    await supervisor().runFirstStartJob(
      specWithJob('console.log(`seeded ${process.env.SEEDED} demo titles`)'),
    );
    expect(lines).toEqual(['catalog-job: seeded 500 demo titles']);
  });

  it('fails the start when the job exits non-zero, pointing at its output', async () => {
    await expect(
      supervisor().runFirstStartJob(specWithJob('console.error("no database"); process.exit(3)')),
    ).rejects.toThrow('catalog-job exited (3); its output is above');
    expect(lines).toEqual(['catalog-job: no database']);
  });

  it('is nothing to wait for when the spec has none', async () => {
    await expect(supervisor().runFirstStartJob(specWithJob())).resolves.toBeUndefined();
  });

  it('stops a job still running when the launcher stops, and runs none after', async () => {
    const stopping = supervisor();
    const running = stopping.runFirstStartJob(specWithJob('setInterval(() => undefined, 1000)'));
    // The job is spawned synchronously: close() finds it at once.
    stopping.close();
    await expect(running).rejects.toThrow('catalog-job exited (SIGTERM)');
    await expect(stopping.runFirstStartJob(specWithJob('0'))).rejects.toThrow('shutting down');
  });
});
