import { z } from 'zod';

// Small zod builders for environment variables, which always arrive as strings.

const secretSchemas = new WeakSet<z.ZodType>();

/** Marks a variable as secret: its value is never printed, even when it is invalid. */
export function secret<T extends z.ZodType>(schema: T): T {
  secretSchemas.add(schema);
  return schema;
}

export function isSecret(schema: z.ZodType): boolean {
  return secretSchemas.has(schema);
}

const developmentOnlySchemas = new WeakSet<z.ZodType>();

/**
 * Marks a variable as development only: parseConfig refuses it switched on (any value but its
 * default) when NODE_ENV=production, naming it, as it does every other bad variable.
 */
export function developmentOnly<T extends z.ZodType>(schema: T): T {
  developmentOnlySchemas.add(schema);
  return schema;
}

export function isDevelopmentOnly(schema: z.ZodType): boolean {
  return developmentOnlySchemas.has(schema);
}

export const envPort = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a TCP port number' })
    .int('expected an integer port')
    .min(0, 'expected a port from 0 to 65535')
    .max(65535, 'expected a port from 0 to 65535')
    .default(fallback);

export const envInt = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: `expected an integer from ${min} to ${max}` })
    .int(`expected an integer from ${min} to ${max}`)
    .min(min, `expected an integer from ${min} to ${max}`)
    .max(max, `expected an integer from ${min} to ${max}`)
    .default(fallback);

export const envBool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

export const envUrl = (protocols: string[], fallback?: string) => {
  const schema = z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(':', ''));
      } catch {
        return false;
      }
    },
    { error: `expected a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}` },
  );
  return fallback === undefined ? schema : schema.default(fallback);
};

/** A comma-separated list; empty items are dropped. */
export const envList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    );

export const envLogLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'expected one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');

export const envNodeEnv = z
  .enum(['development', 'production', 'test'], {
    error: 'expected development, production or test',
  })
  .default('development');

/** Variables every Kinema process reads. */
export const baseConfigShape = {
  NODE_ENV: envNodeEnv,
  LOG_LEVEL: envLogLevel,
  SHUTDOWN_TIMEOUT_MS: envInt(10_000, 0, 600_000),
  /**
   * Lets a local launcher simulate faults in this process over its IPC channel (`kinema chaos`:
   * a slow database, slow calls to a service). `npm start` turns it on; never in production.
   */
  FAULT_INJECTION: developmentOnly(envBool(false)),
};
