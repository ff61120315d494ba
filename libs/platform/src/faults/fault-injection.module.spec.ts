import { answerFault } from './fault-injection.module';
import { activeFaults, clearFaults, databaseLatencyMs, databaseSeamOpened } from './fault-state';

function logger() {
  return { warn: jest.fn(), info: jest.fn() };
}

describe('a fault a launcher sends to a process', () => {
  afterEach(() => clearFaults());

  it('is ignored with a warning when fault injection is off', () => {
    databaseSeamOpened(false);
    const log = logger();
    const fault = { kind: 'database-latency', latencyMs: 300 } as const;
    expect(answerFault(fault, false, log)).toEqual({
      type: 'kinema.fault-applied',
      fault,
      applied: false,
      reason: 'FAULT_INJECTION is off',
    });
    expect(databaseLatencyMs()).toBe(0);
    expect(log.warn).toHaveBeenCalledWith(
      { fault },
      'ignored a fault a launcher sent: fault injection is off (FAULT_INJECTION=false)',
    );
  });

  it('is applied when it is on, shows in readiness, and ends with a latency of 0', () => {
    databaseSeamOpened(false);
    const log = logger();
    const fault = { kind: 'database-latency', latencyMs: 300 } as const;
    expect(answerFault(fault, true, log)).toMatchObject({ applied: true });
    expect(databaseLatencyMs()).toBe(300);
    expect(activeFaults()).toEqual({ databaseLatencyMs: 300 });
    expect(log.warn).toHaveBeenCalledWith(
      { fault },
      'simulated fault: every database round trip answers 300 ms late',
    );

    expect(answerFault({ ...fault, latencyMs: 0 }, true, log)).toMatchObject({ applied: true });
    expect(databaseLatencyMs()).toBe(0);
    expect(activeFaults()).toEqual({});
  });

  it('is refused over TLS, which the database seam cannot reach', () => {
    databaseSeamOpened(true);
    expect(answerFault({ kind: 'database-latency', latencyMs: 300 }, true, logger())).toMatchObject(
      {
        applied: false,
        reason: 'its database connections use TLS, which reads the socket below the seam',
      },
    );
    expect(databaseLatencyMs()).toBe(0);
  });
});
