import { Logger } from '@nestjs/common';
import { FAILURE_LOG_PERIOD_MS, FailureLog } from '../logging/failure-log';
import { GrpcExceptionFilter } from './grpc-exception.filter';

describe('GrpcExceptionFilter during a database outage', () => {
  it('logs one line per period with a count, not a stack trace per call', () => {
    let clock = 0;
    const filter = new GrpcExceptionFilter(new FailureLog(FAILURE_LOG_PERIOD_MS, () => clock));
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    try {
      for (let n = 0; n < 6_584; n++) {
        filter.catch(refused, undefined as never).subscribe({ error: () => undefined });
        clock += 1; // 6.6 s of failures
      }
      expect(error).toHaveBeenCalledTimes(1);
      clock += FAILURE_LOG_PERIOD_MS;
      filter.catch(refused, undefined as never).subscribe({ error: () => undefined });
      expect(error).toHaveBeenCalledTimes(2);
      expect(String(error.mock.calls[1]?.[0])).toMatch(/6584 call\(s\) answered UNAVAILABLE/);
    } finally {
      error.mockRestore();
    }
  });
});
