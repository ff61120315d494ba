import { LiveView } from './live-view';
import { LoadStats } from './load-stats';
import { formatLatency, intervalTable } from './stats-table';

describe('the live table', () => {
  it.each([
    [0.42, '0.42ms'],
    [3.14, '3.1ms'],
    [120.4, '120ms'],
    [1250, '1.25s'],
    [undefined, '-'],
  ])('shows %p ms as %s', (ms, text) => {
    expect(formatLatency(ms)).toBe(text);
  });

  it('has a row per route template under the column titles, then the totals, in columns', () => {
    const stats = new LoadStats();
    stats.record({ route: 'GET /api/v1/titles/{id}', status: 200, latencyMs: 4, atMs: 0 });
    stats.record({ route: 'GET /api/v1/titles/{id}', status: 503, latencyMs: 250, atMs: 0 });
    stats.record({ route: 'POST /api/v1/auth/login', status: 429, latencyMs: 2, atMs: 0 });
    const { rows, total } = stats.takeInterval(2);
    expect(intervalTable(rows, total)).toEqual([
      'route                    req/s  requests  errors  limited    p50    p99',
      'GET /api/v1/titles/{id}    1.0         2       1        0  4.0ms  250ms',
      'POST /api/v1/auth/login    0.5         1       0        1  2.0ms  2.0ms',
      'total                      1.5         3       1        1  4.0ms  250ms',
    ]);
  });

  it('is redrawn in place on a terminal, cut to its width, with notes above it', () => {
    const written: string[] = [];
    const view = new LiveView({ write: (t) => written.push(t), isTTY: true, columns: 11 });
    view.show(['first line of it', 'second']);
    view.show(['third', 'fourth', 'fifth']);
    view.note('a note');
    expect(written).toEqual([
      'first line\nsecond\n',
      '\x1b[2F\x1b[0J',
      'third\nfourth\nfifth\n',
      '\x1b[3F\x1b[0J',
      'a note\n',
      'third\nfourth\nfifth\n',
    ]);
  });

  it('is printed interval after interval elsewhere (a pipe, a log)', () => {
    const written: string[] = [];
    const view = new LiveView({ write: (t) => written.push(t), isTTY: false });
    view.show(['table 1']);
    view.note('a note');
    view.show(['table 2']);
    expect(written.join('')).toBe('table 1\n\na note\ntable 2\n\n');
  });
});
