import { describeEvent, scaleSummary } from './control-socket';
import { ONE_EACH } from './plan';

describe('the line the terminal prints for what happens to a process', () => {
  const restart = { restarts: 1, retryInMs: 1_000, looping: false } as const;

  it('calls an exit by a signal or a failing code a crash', () => {
    expect(describeEvent({ kind: 'crashed', name: 'gateway', code: 'SIGKILL', ...restart })).toBe(
      'crashed   gateway          (SIGKILL); restart 1 in 1s',
    );
    expect(describeEvent({ kind: 'crashed', name: 'catalog', code: 1, ...restart })).toBe(
      'crashed   catalog          (exit 1); restart 1 in 1s',
    );
  });

  it('does not call an exit 0 nobody asked for a crash, though it restarts it the same way', () => {
    expect(describeEvent({ kind: 'crashed', name: 'gateway-2', code: 0, ...restart })).toBe(
      'exited    gateway-2        (exit 0, not asked to by the launcher); restart 1 in 1s',
    );
  });

  it('ends a line where its words end, with no padding after a name nothing follows', () => {
    expect(describeEvent({ kind: 'draining', name: 'gateway', unlisted: false })).toBe(
      'stopping  gateway',
    );
  });
});

describe('what `kinema scale` says it did', () => {
  const command = (args: string) => `npm run kinema -- ${args}`;
  const url = 'http://localhost:3000';

  it('names each change, and nothing when nothing changes', () => {
    expect(scaleSummary(ONE_EACH, { ...ONE_EACH, catalog: 3 }, url, command)).toBe(
      'catalog: 1 -> 3',
    );
    expect(scaleSummary(ONE_EACH, ONE_EACH, url, command)).toBe('nothing to change');
  });

  it('says what a service scaled to none means, and how to bring it back', () => {
    expect(scaleSummary(ONE_EACH, { ...ONE_EACH, gateway: 0, users: 0 }, url, command)).toBe(
      [
        'users: 1 -> 0, gateway: 1 -> 0',
        'no users runs: the gateway answers what needs it with 503 and Retry-After until `npm run kinema -- scale users=1`',
        'no gateway runs: http://localhost:3000 closes every connection at once until `npm run kinema -- scale gateway=1`',
      ].join('\n'),
    );
  });
});
