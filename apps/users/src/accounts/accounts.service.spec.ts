import { DomainError, type OutboxPublisher } from '@kinema/platform';
import type { DataSource } from 'typeorm';
import type { ProfilesRepository } from '../profiles/profiles.repository';
import type { SessionsService } from '../tokens/sessions.service';
import type { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { PasswordHasher } from './password-hasher';

// Only login's reads are exercised: a store that knows one account (or none).
function serviceWith(stored: { passwordHash: string } | undefined, hasher: PasswordHasher) {
  const row = stored && {
    id: '6f1c2a8e-5d7b-4c1e-9a3f-2b8d7e6c5a41',
    email: 'known@example.test',
    role: 'viewer',
    created_at: new Date(),
    updated_at: new Date(),
    password_hash: stored.passwordHash,
  };
  const dataSource = { manager: {} } as unknown as DataSource;
  const accounts = { credentialsByEmail: async () => row } as unknown as AccountsRepository;
  return new AccountsService(
    dataSource,
    accounts,
    hasher,
    {} as SessionsService,
    {} as ProfilesRepository,
    {} as OutboxPublisher,
  );
}

async function loginError(service: AccountsService, email: string): Promise<DomainError> {
  const error = await service
    .login({ email, password: 'not the password' })
    .catch((e: unknown) => e);
  if (!(error instanceof DomainError)) throw new Error('expected a DomainError');
  return error;
}

describe('login without a matching account', () => {
  it('still verifies a password hash, and fails exactly as a wrong password does', async () => {
    const hasher = await PasswordHasher.create({ memoryKib: 64, timeCost: 1 });
    const verify = jest.spyOn(hasher, 'verify');
    const known = serviceWith({ passwordHash: await hasher.hash('the real password') }, hasher);
    const unknown = serviceWith(undefined, hasher);

    const wrongPassword = await loginError(known, 'known@example.test');
    expect(verify).toHaveBeenCalledTimes(1);
    const unknownEmail = await loginError(unknown, 'unknown@example.test');
    expect(verify).toHaveBeenCalledTimes(2);

    expect({ ...unknownEmail, message: unknownEmail.message }).toEqual({
      ...wrongPassword,
      message: wrongPassword.message,
    });
    expect([unknownEmail.kind, unknownEmail.code]).toEqual([
      'unauthenticated',
      'INVALID_CREDENTIALS',
    ]);
  });
});

describe('password hashes', () => {
  it('are argon2id with the configured cost, and flagged for rehash when the cost changes', async () => {
    const hasher = await PasswordHasher.create({ memoryKib: 64, timeCost: 1 });
    const stored = await hasher.hash('a password');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    expect(await hasher.verify(stored, 'a password')).toBe(true);
    expect(await hasher.verify(stored, 'another one')).toBe(false);
    expect(await hasher.verify('not a hash', 'a password')).toBe(false);
    expect(hasher.needsRehash(stored)).toBe(false);
    const stronger = await PasswordHasher.create({ memoryKib: 128, timeCost: 1 });
    expect(stronger.needsRehash(stored)).toBe(true);
  });
});
