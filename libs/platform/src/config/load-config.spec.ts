import { z } from 'zod';
import {
  baseConfigShape,
  developmentOnly,
  envBool,
  envInt,
  envList,
  envPort,
  envUrl,
  secret,
} from './env';
import { configProblems } from '../testing/config-problems';
import { ConfigError, loadConfigOrExit, parseConfig } from './load-config';

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

describe('development-only variables (FAULT_INJECTION)', () => {
  const base = z.object({ ...baseConfigShape, PORT: envPort(3000) });

  const refusal = (env: NodeJS.ProcessEnv) => configProblems(base, env);

  it('is off by default, and may be switched on outside production', () => {
    expect(parseConfig(base, {}).FAULT_INJECTION).toBe(false);
    expect(parseConfig(base, { FAULT_INJECTION: 'true' }).FAULT_INJECTION).toBe(true);
    expect(parseConfig(base, { NODE_ENV: 'test', FAULT_INJECTION: '1' }).FAULT_INJECTION).toBe(
      true,
    );
  });

  it('is refused switched on in production, named with every other bad variable', () => {
    expect(refusal({ NODE_ENV: 'production', FAULT_INJECTION: 'true', PORT: 'x' })).toEqual([
      'PORT: expected a TCP port number (got "x")',
      'FAULT_INJECTION: development only, refused when NODE_ENV=production (got "true")',
    ]);
    expect(refusal({ NODE_ENV: 'production', FAULT_INJECTION: '1' })).toHaveLength(1);
  });

  it('may be left at its default in production, or set to it', () => {
    expect(refusal({ NODE_ENV: 'production' })).toEqual([]);
    expect(refusal({ NODE_ENV: 'production', FAULT_INJECTION: 'false' })).toEqual([]);
  });

  it('applies to any variable marked development-only', () => {
    const schema = z.object({ ...baseConfigShape, DEMO_SHORTCUT: developmentOnly(envInt(0)) });
    expect(() => parseConfig(schema, { NODE_ENV: 'production', DEMO_SHORTCUT: '5' })).toThrow(
      'DEMO_SHORTCUT: development only, refused when NODE_ENV=production (got "5")',
    );
  });

  it('makes a service exit at boot with code 78, naming the variable', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${String(code)}`);
    });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() =>
        loadConfigOrExit('catalog', base, { NODE_ENV: 'production', FAULT_INJECTION: 'true' }),
      ).toThrow('exit 78');
      expect(stderr.mock.calls.map(([text]) => String(text)).join('')).toContain(
        'catalog: Invalid configuration:\n  - FAULT_INJECTION: development only, refused when NODE_ENV=production',
      );
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });
});
