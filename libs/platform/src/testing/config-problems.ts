import type { z } from 'zod';
import { ConfigError, parseConfig } from '../config/load-config';

/** What validating `env` against a schema reports, one line a variable; empty when it passes. */
export function configProblems<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  env: NodeJS.ProcessEnv,
): string[] {
  try {
    parseConfig(schema, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
