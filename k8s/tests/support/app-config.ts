import path from 'node:path';
import { repoRoot, type AppName } from './repo';

interface ParseResult {
  success: boolean;
  error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
}

interface FieldSchema {
  safeParse(input: unknown): ParseResult;
}

/** The part of a zod 4 object schema the contract test needs. */
export interface ConfigSchema {
  shape: Record<string, FieldSchema>;
  safeParse(input: unknown): ParseResult;
}

function isConfigSchema(value: unknown): value is ConfigSchema {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as { shape?: unknown; safeParse?: unknown };
  return (
    typeof candidate.safeParse === 'function' &&
    candidate.shape !== null &&
    typeof candidate.shape === 'object'
  );
}

/** Imports apps/<app>/src/config.ts and returns its exported `configSchema`. */
export async function loadConfigSchema(app: AppName): Promise<ConfigSchema> {
  const loaded: unknown = await import(path.join(repoRoot, 'apps', app, 'src/config.ts'));
  const schema = (loaded as { configSchema?: unknown }).configSchema;
  if (!isConfigSchema(schema))
    throw new Error(`apps/${app}/src/config.ts exports no zod object configSchema`);
  return schema;
}

/**
 * The OTEL_* variables every service validates at boot, before its own configuration
 * (libs/platform/src/telemetry/telemetry-config.ts).
 */
export async function loadTelemetrySchema(): Promise<ConfigSchema> {
  const file = path.join(repoRoot, 'libs/platform/src/telemetry/telemetry-config.ts');
  const loaded: unknown = await import(file);
  const schema = (loaded as { telemetryConfigSchema?: unknown }).telemetryConfigSchema;
  if (!isConfigSchema(schema))
    throw new Error(`${file} exports no zod object telemetryConfigSchema`);
  return schema;
}

/** Standard OpenTelemetry variables the SDK reads itself, outside the validated ones. */
export const sdkReadVariables: readonly string[] = ['OTEL_RESOURCE_ATTRIBUTES'];

/** Keys the app cannot start without: no default and not optional. */
export function requiredKeys(schema: ConfigSchema): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key);
}

export function describeIssues(result: ParseResult): string[] {
  return (result.error?.issues ?? []).map(
    (issue) => `${issue.path.map(String).join('.')}: ${issue.message}`,
  );
}
