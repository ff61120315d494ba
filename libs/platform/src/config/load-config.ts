import type { z } from 'zod';
import { isDevelopmentOnly, isSecret } from './env';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment against a service's schema, reporting every bad variable at once
 * (name, what was expected, and the value unless it is secret). Throws ConfigError.
 */
export function parseConfig<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  env: NodeJS.ProcessEnv = process.env,
): z.output<z.ZodObject<Shape>> {
  // Empty strings count as unset so `FOO=` falls back to the default, as shells make it easy.
  const input = Object.fromEntries(
    Object.keys(schema.shape)
      .map((key) => [key, env[key]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(input);
  const refused = developmentOnlyProblems(schema, input);
  if (result.success && refused.length === 0) return result.data;
  const issues = result.success ? [] : result.error.issues;
  const problems = issues.map((issue) => {
    const name = String(issue.path[0] ?? '(root)');
    const field = schema.shape[name] as z.ZodType | undefined;
    const raw = input[name];
    const shown =
      raw === undefined
        ? 'it is not set'
        : field && isSecret(field)
          ? 'got a secret value'
          : `got ${JSON.stringify(raw)}`;
    return `${name}: ${issue.message} (${shown})`;
  });
  throw new ConfigError([...problems, ...refused]);
}

/** Development-only variables switched on under NODE_ENV=production, one problem each. */
function developmentOnlyProblems<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  input: Record<string, unknown>,
): string[] {
  if (input['NODE_ENV'] !== 'production') return [];
  return Object.entries(schema.shape)
    .filter(([name, value]) => {
      const field = value as z.ZodType;
      if (!isDevelopmentOnly(field) || input[name] === undefined) return false;
      const given = field.safeParse(input[name]);
      return given.success && given.data !== field.safeParse(undefined).data;
    })
    .map(
      ([name]) =>
        `${name}: development only, refused when NODE_ENV=production (got ${JSON.stringify(input[name])})`,
    );
}

/** parseConfig for a process's main(): on failure prints the problems and exits with 78 (EX_CONFIG). */
export function loadConfigOrExit<Shape extends z.ZodRawShape>(
  service: string,
  schema: z.ZodObject<Shape>,
  env: NodeJS.ProcessEnv = process.env,
): z.output<z.ZodObject<Shape>> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(78);
  }
}
