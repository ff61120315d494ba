import { z } from 'zod';
import { envBool, envInt, envList, envPort, envUrl, secret } from './env';
import { ConfigError, parseConfig } from './load-config';

const schema = z.object({
  PORT: envPort(3000),
  WORKERS: envInt(2, 1, 8),
  VERBOSE: envBool(false),
  ORIGINS: envList('*'),
  DATABASE_URL: secret(envUrl(['postgres'], 'postgres://localhost/db')),
});

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration from the environment', () => {
  it('fills defaults, coerces strings and treats an empty value as unset', () => {
    expect(parseConfig(schema, { WORKERS: '4', VERBOSE: '1', ORIGINS: 'a, ,b', PORT: '' })).toEqual(
      {
        PORT: 3000,
        WORKERS: 4,
        VERBOSE: true,
        ORIGINS: ['a', 'b'],
        DATABASE_URL: 'postgres://localhost/db',
      },
    );
  });

  it('names every bad variable at once, with what was expected and what came', () => {
    expect(problemsOf({ PORT: '70000', WORKERS: 'many', VERBOSE: 'yes' })).toEqual([
      'PORT: expected a port from 0 to 65535 (got "70000")',
      'WORKERS: expected an integer from 1 to 8 (got "many")',
      'VERBOSE: expected true or false (got "yes")',
    ]);
  });

  it('never prints the value of a secret, even a wrong one', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db' });
    expect(problem).toBe(
      'DATABASE_URL: expected a URL starting with postgres:// (got a secret value)',
    );
    expect(problem).not.toContain('hunter2');
  });
});
