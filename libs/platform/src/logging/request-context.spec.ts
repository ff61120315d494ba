import { CallerGroup } from './request-context';

describe('CallerGroup', () => {
  it('aborts once every caller has gone, not before', () => {
    const [a, b] = [new AbortController(), new AbortController()];
    const group = new CallerGroup(a.signal);
    group.join(b.signal);
    a.abort();
    expect(group.signal.aborted).toBe(false);
    b.abort();
    expect(group.signal.aborted).toBe(true);
  });

  it('never aborts while a caller that cannot go (no signal) shares it', () => {
    const a = new AbortController();
    const group = new CallerGroup(a.signal);
    group.join(undefined);
    a.abort();
    expect(group.signal.aborted).toBe(false);
  });

  it('aborts at once for a first caller already gone; a later one already gone changes nothing', () => {
    const gone = new AbortController();
    gone.abort();
    expect(new CallerGroup(gone.signal).signal.aborted).toBe(true);
    const waiting = new AbortController();
    const group = new CallerGroup(waiting.signal);
    group.join(gone.signal);
    expect(group.signal.aborted).toBe(false);
  });

  it('lets go of its callers once ended: one leaving then aborts nothing', () => {
    const a = new AbortController();
    const group = new CallerGroup(a.signal);
    group.end();
    a.abort();
    expect(group.signal.aborted).toBe(false);
  });
});
