import { Catch, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { DomainError } from '../errors/domain-error';
import { isCallerGone, isConnectionFailure, toGrpcError } from '../errors/grpc-error-codec';
import { FailureLog } from '../logging/failure-log';

/** The one place a gRPC service turns thrown errors into status + ErrorInfo trailer. */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('GrpcExceptionFilter');

  constructor(private readonly outages = new FailureLog()) {}

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    if (isConnectionFailure(exception)) this.countOutage(exception);
    // A caller that went away is no fault here: its work was not started, and nobody waits.
    else if (!(exception instanceof DomainError) && !isCallerGone(exception)) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    return throwError(() => toGrpcError(exception));
  }

  /** An outage is one line (then one per period, with a count), not a stack trace per call. */
  private countOutage(exception: unknown): void {
    const calls = this.outages.count('database');
    if (calls === undefined) return;
    const message = exception instanceof Error ? exception.message : String(exception);
    this.logger.error(
      `database unavailable: ${message} (${calls} call(s) answered UNAVAILABLE since the last such line)`,
    );
  }
}
