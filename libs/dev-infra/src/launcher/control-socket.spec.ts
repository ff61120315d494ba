import { describeEvent } from './control-socket';

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
