import { Violations } from '../common/input-rules';
import {
  checkNewEmail,
  defaultProfileName,
  emailDomain,
  emailProblem,
  normaliseEmail,
  passwordProblem,
} from './account-credentials';

describe('email normalisation', () => {
  it('trims and lower-cases, so case variants are one account', () => {
    expect(normaliseEmail('  Ada.Lovelace@Example.COM \t')).toBe('ada.lovelace@example.com');
    expect(normaliseEmail('ADA@EXAMPLE.COM')).toBe(normaliseEmail('ada@example.com'));
  });

  it('accepts ordinary and unusual but valid addresses', () => {
    for (const email of ['a@b.co', "o'brien+tag@mail.example.org", 'δοκιμή@παράδειγμα.δοκιμή']) {
      expect(emailProblem(email)).toBeUndefined();
    }
  });

  it('rejects what cannot be an address', () => {
    for (const email of [
      '',
      'plain',
      'a@b',
      'two@@example.com',
      'sp ace@example.com',
      'a@b.c\n',
      `${'x'.repeat(65)}@example.com`,
    ]) {
      expect(emailProblem(email)).toBeDefined();
    }
    expect(emailProblem(`${'x'.repeat(60)}@${'d'.repeat(200)}.com`)).toMatch(/at most 254/);
  });

  it('records a violation under the given field and still returns the normalised value', () => {
    const violations = new Violations();
    expect(checkNewEmail(violations, 'email', ' NOPE ')).toBe('nope');
    expect(violations.empty).toBe(false);
  });

  it('keeps only the domain for events', () => {
    expect(emailDomain('someone@Mail.example.org'.toLowerCase())).toBe('mail.example.org');
  });

  it('derives a first profile name from the local part, cut to the limit', () => {
    expect(defaultProfileName('ada@example.com', 50)).toBe('ada');
    expect(defaultProfileName(`${'x'.repeat(64)}@example.com`, 50)).toHaveLength(50);
  });
});

describe('password rules', () => {
  it('accepts 8 to 128 characters, counting emoji as one', () => {
    expect(passwordProblem('12345678')).toBeUndefined();
    expect(passwordProblem('x'.repeat(128))).toBeUndefined();
    expect(passwordProblem('🔑'.repeat(8))).toBeUndefined();
  });

  it('rejects shorter, longer and empty passwords', () => {
    expect(passwordProblem('1234567')).toMatch(/8 to 128/);
    expect(passwordProblem('x'.repeat(129))).toMatch(/8 to 128/);
    expect(passwordProblem('')).toBe('is required');
    expect(passwordProblem('🔑'.repeat(7))).toMatch(/8 to 128/);
    expect(passwordProblem('🔑'.repeat(129))).toMatch(/8 to 128/);
  });
});
