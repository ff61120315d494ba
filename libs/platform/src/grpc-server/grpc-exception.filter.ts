import { Catch, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { DomainError } from '../errors/domain-error';
import { isConnectionFailure, toGrpcError } from '../errors/grpc-error-codec';

/** While the database stays unreachable, one line per this period says how many calls failed. */
export const OUTAGE_LOG_PERIOD_MS = 10_000;

/** The one place a gRPC service turns thrown errors into status + ErrorInfo trailer. */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('GrpcExceptionFilter');
  private outage = { loggedAt: Number.NEGATIVE_INFINITY, unlogged: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    if (isConnectionFailure(exception)) this.countOutage(exception);
    else if (!(exception instanceof DomainError)) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    return throwError(() => toGrpcError(exception));
  }

  /** An outage is one line (then one per period, with a count), not a stack trace per call. */
  private countOutage(exception: unknown): void {
    this.outage.unlogged += 1;
    if (this.now() - this.outage.loggedAt < OUTAGE_LOG_PERIOD_MS) return;
    const message = exception instanceof Error ? exception.message : String(exception);
    this.logger.error(
      `database unavailable: ${message} (${this.outage.unlogged} call(s) answered UNAVAILABLE since the last such line)`,
    );
    this.outage = { loggedAt: this.now(), unlogged: 0 };
  }
}
