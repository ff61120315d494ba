import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'prettier';
import { z } from 'zod';
import { secret } from '@kinema/platform/config';
import {
  CONFIGURATION_DOC,
  describeDefault,
  GENERATE_COMMAND,
  renderConfigurationDoc,
  usageDescriptions,
  variableComments,
} from './configuration-doc';

const root = resolve(__dirname, '../../..');

describe('docs/configuration.md', () => {
  it('is what the configuration schemas generate today', async () => {
    const path = join(root, CONFIGURATION_DOC);
    const expected = await format(renderConfigurationDoc(root), { filepath: path });
    const committed = readFileSync(path, 'utf8');
    if (committed !== expected)
      throw new Error(`${CONFIGURATION_DOC} is out of date: run ${GENERATE_COMMAND}`);
  });

  it('names every variable of every app schema', () => {
    const page = renderConfigurationDoc(root);
    for (const name of [
      'HTTP_PORT',
      'CURSOR_SECRET',
      'JWT_PRIVATE_KEY',
      'S3_ENDPOINT',
      'LOAD_USERS',
    ])
      expect(page).toContain(`| \`${name}\` |`);
  });
});

describe('describeDefault', () => {
  it('says what an unset variable becomes, and hides secrets', () => {
    expect(describeDefault(z.coerce.number().default(3000))).toBe('`3000`');
    expect(describeDefault(z.string().optional())).toBe('unset');
    expect(describeDefault(z.string())).toBe('required');
    expect(describeDefault(secret(z.string().default('dev-secret')))).toBe('a development value');
  });
});

describe('variableComments', () => {
  it('reads the comment above each variable, block or line', () => {
    const text = [
      'const shape = {',
      '  /** Where it listens. */',
      '  HTTP_PORT: port(3000),',
      '  // Two lines',
      '  // of comment.',
      '  OTHER: x,',
      '  lower: y,',
      '};',
    ].join('\n');
    const comments = variableComments('x.ts', text);
    expect(comments.get('HTTP_PORT')).toBe('Where it listens.');
    expect(comments.get('OTHER')).toBe('Two lines of comment.');
    expect(comments.has('lower')).toBe(false);
  });
});

describe('usageDescriptions', () => {
  it("takes each variable's description from the option that names it, continuation lines too", () => {
    const usage = [
      'Usage: x',
      '  --users N               concurrent viewers (LOAD_USERS; default 10)',
      '  --ramp 10s              start spread over this (LOAD_RAMP; default 10s, or',
      '                          the whole run when it is shorter)',
      '  --admin-email EMAIL     add one admin',
      '  --admin-password PASS   (LOAD_ADMIN_EMAIL, LOAD_ADMIN_PASSWORD; no admin without them)',
    ].join('\n');
    const descriptions = usageDescriptions(usage);
    expect(descriptions.get('LOAD_USERS')).toBe('concurrent viewers (LOAD_USERS; default 10)');
    expect(descriptions.get('LOAD_RAMP')).toBe(
      'start spread over this (LOAD_RAMP; default 10s, or the whole run when it is shorter)',
    );
    expect(descriptions.get('LOAD_ADMIN_PASSWORD')).toBe(
      'add one admin (LOAD_ADMIN_EMAIL, LOAD_ADMIN_PASSWORD; no admin without them)',
    );
  });
});
