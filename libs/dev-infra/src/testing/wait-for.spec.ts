import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves once the condition holds, awaiting an async condition', async () => {
    let checks = 0;
    await waitFor(async () => ++checks === 3, 'the third check', { intervalMs: 1 });
    expect(checks).toBe(3);
  });

  it('fails naming what it waited for and the last state it saw', async () => {
    let seen = 0;
    await expect(
      waitFor(() => ++seen < 0, 'a condition that never holds', {
        timeoutMs: 30,
        intervalMs: 1,
        describe: () => ({ seen: seen > 0 }),
      }),
    ).rejects.toThrow(
      'timed out waiting for a condition that never holds; last seen: {"seen":true}',
    );
  });
});
