import type { z } from 'zod';
import { databaseTlsIssues, type DatabaseSslMode } from './database-tls';
import { kafkaSecurityIssues } from './kafka-env';

// Run even when a single variable is already invalid, so that one start names every problem.
const EVEN_WITH_OTHER_PROBLEMS = { when: () => true };

type Issues = { path: string; message: string }[];

function report(context: z.RefinementCtx, issues: Issues): void {
  for (const issue of issues)
    context.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
}

function databaseIssues(config: Record<string, unknown>): Issues {
  const url = config['DATABASE_URL'];
  if (typeof url !== 'string') return [];
  const mode = config['DATABASE_SSL_MODE'];
  const caFile = config['DATABASE_SSL_CA_FILE'];
  return databaseTlsIssues({
    url,
    sslMode: typeof mode === 'string' ? (mode as DatabaseSslMode) : undefined,
    sslCaFile: typeof caFile === 'string' ? caFile : undefined,
  });
}

/** A schema with kafkaConfigShape gains its cross-variable rules (a certificate without its key, ...). */
export function withKafkaChecks<T extends z.ZodObject>(schema: T): T {
  return schema.superRefine(
    (config, context) => report(context, kafkaSecurityIssues(config as Record<string, unknown>)),
    EVEN_WITH_OTHER_PROBLEMS,
  );
}

/** A schema with grpcServiceConfigShape gains the Kafka rules and the database TLS rules. */
export function withServiceChecks<T extends z.ZodObject>(schema: T): T {
  return schema.superRefine((config, context) => {
    const values = config as Record<string, unknown>;
    report(context, [...kafkaSecurityIssues(values), ...databaseIssues(values)]);
  }, EVEN_WITH_OTHER_PROBLEMS);
}
