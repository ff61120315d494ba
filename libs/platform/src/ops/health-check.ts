import { Logger, ServiceUnavailableException } from '@nestjs/common';

/** One indicator's answer, in the shape @nestjs/terminus gave (probes and tests read it). */
export interface IndicatorResult {
  status: 'up' | 'down';
  [detail: string]: unknown;
}

export interface HealthReport {
  status: 'ok' | 'error';
  info: Record<string, IndicatorResult>;
  error: Record<string, IndicatorResult>;
  details: Record<string, IndicatorResult>;
}

/** Names its result; answers `down` rather than throwing. */
export type HealthIndicator = () => Promise<[string, IndicatorResult]> | [string, IndicatorResult];

/** What DatabaseModule provides for the readiness probe: resolves once the database answers. */
export const DATABASE_PING = Symbol('DATABASE_PING');
export type DatabasePing = () => Promise<unknown>;

const logger = new Logger('Health');

/**
 * Runs the indicators and answers the report, or throws 503 with it when one is down. Written here
 * rather than taken from @nestjs/terminus: terminus instantiates every indicator it ships, and
 * each one's constructor requires its package when installed, which loaded TypeORM and pg into the
 * gateway (about 500 modules and 7 MiB of heap) for two probes that need a flag and a `SELECT 1`.
 */
export async function healthCheck(indicators: HealthIndicator[]): Promise<HealthReport> {
  const results = await Promise.all(indicators.map((indicator) => indicator()));
  const details = Object.fromEntries(results);
  const pick = (status: IndicatorResult['status']) =>
    Object.fromEntries(results.filter(([, result]) => result.status === status));
  const error = pick('down');
  const report: HealthReport = {
    status: Object.keys(error).length > 0 ? 'error' : 'ok',
    info: pick('up'),
    error,
    details,
  };
  if (report.status === 'error') {
    logger.error(`Health Check has failed! ${JSON.stringify(error)}`);
    throw new ServiceUnavailableException(report);
  }
  return report;
}

/** `down` unless `probe` settles within `timeoutMs`. */
export async function pingIndicator(
  key: string,
  probe: () => Promise<unknown>,
  timeoutMs: number,
): Promise<[string, IndicatorResult]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout of ${timeoutMs}ms exceeded`)), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return [key, { status: 'up' }];
  } catch (error) {
    return [
      key,
      { status: 'down', message: error instanceof Error ? error.message : String(error) },
    ];
  } finally {
    clearTimeout(timer);
  }
}
