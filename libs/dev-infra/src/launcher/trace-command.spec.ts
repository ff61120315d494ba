import { UsageError } from './launcher-commands';
import { parseTraceArgs } from './trace-command';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('kinema trace arguments', () => {
  it('reads last and slowest with their filters, and a trace id', () => {
    expect(parseTraceArgs(['last', '--service', 'catalog', '--route', 'titles'])).toEqual({
      pick: 'last',
      service: 'catalog',
      route: 'titles',
      any: false,
      since: undefined,
      url: undefined,
    });
    expect(parseTraceArgs(['slowest', '--since', '10m', '--any'])).toMatchObject({
      pick: 'slowest',
      since: '10m',
      any: true,
    });
    expect(
      parseTraceArgs([TRACE_ID.toUpperCase(), '--url', 'http://127.0.0.1:14318/ignored']),
    ).toEqual({ pick: 'id', traceId: TRACE_ID, url: 'http://127.0.0.1:14318' });
  });

  it('says what is wrong with arguments it cannot use', () => {
    const message = (args: string[]) => {
      try {
        parseTraceArgs(args);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
    };
    expect(message([])).toBe('give one of: a trace id, last, slowest');
    expect(message(['last', 'slowest'])).toBe('give one of: a trace id, last, slowest');
    expect(message(['1234'])).toBe('"1234" is not a trace id: 32 hexadecimal digits, not all zero');
    expect(message(['slowest', '--since', 'a while'])).toMatch(/^"a while" is not a duration/);
    expect(message([TRACE_ID, '--service', 'users'])).toBe(
      '--service chooses among traces: it goes with last or slowest, not a trace id',
    );
    expect(message(['last', '--url', 'localhost:14318'])).toMatch(
      /^--url must be an http\(s\) address/,
    );
    expect(message(['last', '--url', 'not a url'])).toMatch(
      /^--url must be the receiver's address/,
    );
    expect(message(['last', '--colour'])).toMatch(/Unknown option '--colour'/);
  });
});
