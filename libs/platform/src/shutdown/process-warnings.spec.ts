import { isKafkajsNegativeTimeout } from './process-warnings';

function warning(name: string, stackFrame: string): Error {
  const error = new Error('-1795397088837 is a negative number.');
  error.name = name;
  error.stack = `${name}: ${error.message}\n    at ${stackFrame}`;
  return error;
}

describe('process warnings', () => {
  it("drops only kafkajs's negative request-queue timeout", () => {
    const frame =
      'RequestQueue.scheduleCheckPendingRequests (/app/node_modules/kafkajs/src/network/requestQueue/index.js:317:39)';
    expect(isKafkajsNegativeTimeout(warning('TimeoutNegativeWarning', frame))).toBe(true);
  });

  it('keeps the same warning raised by any other code, and other warnings from kafkajs', () => {
    const ours = 'Timeout.refresh (/app/libs/platform/dist/messaging/outbox.relay.js:10:5)';
    expect(isKafkajsNegativeTimeout(warning('TimeoutNegativeWarning', ours))).toBe(false);
    const kafkajs =
      'Object.<anonymous> (/app/node_modules/kafkajs/src/network/requestQueue/index.js:1:1)';
    expect(isKafkajsNegativeTimeout(warning('DeprecationWarning', kafkajs))).toBe(false);
  });
});
