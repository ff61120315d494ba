import {
  ACCOUNT_LIMITS,
  longerThan,
  USERS_ACCOUNT_EVENTS,
  type Account,
  type AuthTokens,
  type ChangePasswordRequest,
  type DeleteAccountRequest,
  type LoginRequest,
  type Profile,
  type RegisterRequest,
  type UsersAccountEvents,
  type AccountRoleName,
} from '@kinema/contracts';
import { DomainError, OutboxPublisher } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Violations } from '../common/input-rules';
import { isUniqueViolation } from '@kinema/platform/database';
import { ProfilesRepository } from '../profiles/profiles.repository';
import { toProfile } from '../profiles/profile.mapper';
import { SessionsService } from '../tokens/sessions.service';
import {
  checkNewEmail,
  checkNewPassword,
  checkOfferedPassword,
  defaultProfileName,
  emailDomain,
  normaliseEmail,
} from './account-credentials';
import { setAccountRole, type RoleChange } from './account-roles';
import { toAccount } from './account.mapper';
import { AccountsRepository, type CredentialRow } from './accounts.repository';
import { PasswordHasher } from './password-hasher';

export interface SignedIn {
  account: Account;
  tokens: AuthTokens;
}

@Injectable()
export class AccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountsRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly profiles: ProfilesRepository,
    private readonly outbox: OutboxPublisher,
  ) {}

  async register(request: RegisterRequest): Promise<SignedIn & { profile: Profile }> {
    const violations = new Violations();
    const email = checkNewEmail(violations, 'email', request.email);
    const password = checkNewPassword(violations, 'password', request.password);
    violations.throwIfAny();
    return this.createAccount(email, password, 'viewer');
  }

  /** Creates an account with its first profile and session; also the bootstrap admin's path. */
  async createAccount(
    email: string,
    password: string,
    role: AccountRoleName,
  ): Promise<SignedIn & { profile: Profile }> {
    // Hashing is the slow part; done before the transaction so no connection waits on it.
    const passwordHash = await this.hasher.hash(password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const now = new Date();
        const row = await this.accounts.insert(manager, {
          id: randomUUID(),
          email,
          passwordHash,
          role,
          at: now,
        });
        const profile = await this.profiles.insert(manager, row.id, {
          name: defaultProfileName(email, ACCOUNT_LIMITS.profileNameLength),
          kids: false,
          maxMaturity: null,
        });
        const data: UsersAccountEvents[typeof USERS_ACCOUNT_EVENTS.registered] = {
          accountId: row.id,
          emailDomain: emailDomain(email),
          role,
          occurredAt: now.toISOString(),
        };
        await this.outbox.publish(manager, {
          topic: USERS_ACCOUNT_EVENTS.topic,
          type: USERS_ACCOUNT_EVENTS.registered,
          subject: row.id,
          data,
        });
        const tokens = await this.sessions.start(manager, { id: row.id, role: row.role });
        return { account: toAccount(row), tokens, profile: toProfile(profile) };
      });
    } catch (error) {
      // The unique constraint decides, not a pre-check: two concurrent sign-ups cannot both pass it.
      if (isUniqueViolation(error, 'accounts_email_key')) {
        throw new DomainError(
          'already_exists',
          'EMAIL_TAKEN',
          'An account with this email already exists.',
          [{ field: 'email', description: 'is already registered' }],
        );
      }
      throw error;
    }
  }

  /**
   * The same answer, after the same work, for an unknown email and a wrong password: neither
   * the error nor the time taken tells an attacker which accounts exist.
   */
  async login(request: LoginRequest): Promise<SignedIn> {
    const violations = new Violations();
    const email = normaliseEmail(request.email);
    if (email === '') violations.add('email', 'is required');
    else if (longerThan(email, ACCOUNT_LIMITS.emailLength))
      violations.add('email', `must be at most ${ACCOUNT_LIMITS.emailLength} characters`);
    const password = checkOfferedPassword(violations, 'password', request.password);
    violations.throwIfAny();
    const stored = await this.accounts.credentialsByEmail(this.dataSource.manager, email);
    const valid = stored
      ? await this.hasher.verify(stored.password_hash, password)
      : await this.hasher.verifyDummy(password);
    if (!stored || !valid) throw invalidCredentials();
    if (this.hasher.needsRehash(stored.password_hash)) {
      // Cost raised since this hash was made: upgrade it now, while the password is at hand.
      await this.accounts.setPasswordHash(
        this.dataSource.manager,
        stored.id,
        await this.hasher.hash(password),
        new Date(),
      );
    }
    const tokens = await this.dataSource.transaction((manager) =>
      this.sessions.start(manager, stored),
    );
    return { account: toAccount(stored), tokens };
  }

  /** Ends every session of the account, then starts a new one for the caller. */
  async changePassword(request: ChangePasswordRequest): Promise<AuthTokens> {
    const violations = new Violations();
    const accountId = violations.uuid('account_id', request.accountId);
    const current = checkOfferedPassword(violations, 'current_password', request.currentPassword);
    const next = checkNewPassword(violations, 'new_password', request.newPassword);
    violations.throwIfAny();
    const stored = await this.checkPassword(accountId, current);
    const passwordHash = await this.hasher.hash(next);
    return this.dataSource.transaction(async (manager) => {
      await this.accounts.setPasswordHash(manager, accountId, passwordHash, new Date());
      await this.sessions.endAll(manager, accountId, 'password_changed');
      return this.sessions.start(manager, stored);
    });
  }

  async getAccount(rawId: string): Promise<Account> {
    const violations = new Violations();
    const id = violations.uuid('account_id', rawId);
    violations.throwIfAny();
    const row = await this.accounts.findById(this.dataSource.manager, id);
    if (!row) throw accountNotFound();
    return toAccount(row);
  }

  /** Deletes the account and, by cascade, its sessions, profiles, lists and progress. */
  async deleteAccount(request: DeleteAccountRequest): Promise<void> {
    const violations = new Violations();
    const accountId = violations.uuid('account_id', request.accountId);
    const password = checkOfferedPassword(violations, 'current_password', request.currentPassword);
    violations.throwIfAny();
    await this.checkPassword(accountId, password);
    await this.dataSource.transaction(async (manager) => {
      // Ended (and announced) first: the cascade would delete the rows without a word.
      await this.sessions.endAll(manager, accountId, 'account_deleted');
      await this.accounts.delete(manager, accountId);
    });
  }

  /** Creates the account as admin, or promotes it when it exists; for boot only, never RPCs. */
  async ensureAdmin(
    rawEmail: string,
    password: string | undefined,
  ): Promise<RoleChange | 'created'> {
    const email = normaliseEmail(rawEmail);
    const change = await setAccountRole(this.dataSource, email, 'admin');
    if (change !== 'no-such-account') return change;
    if (password === undefined) {
      throw new Error(
        'BOOTSTRAP_ADMIN_EMAIL names no account; set BOOTSTRAP_ADMIN_PASSWORD to create it',
      );
    }
    try {
      await this.createAccount(email, password, 'admin');
    } catch (error) {
      // Another replica booting with the same settings created it first; promote that one.
      if (error instanceof DomainError && error.code === 'EMAIL_TAKEN')
        return setAccountRole(this.dataSource, email, 'admin');
      throw error;
    }
    return 'created';
  }

  private async checkPassword(accountId: string, password: string): Promise<CredentialRow> {
    const stored = await this.accounts.credentialsById(this.dataSource.manager, accountId);
    if (!stored) throw accountNotFound();
    if (!(await this.hasher.verify(stored.password_hash, password))) {
      // The caller is signed in; a 401 here would read as "session expired", so this is a 403.
      throw new DomainError(
        'permission_denied',
        'WRONG_PASSWORD',
        'The current password is wrong.',
        [{ field: 'current_password', description: 'is wrong' }],
      );
    }
    return stored;
  }
}

function invalidCredentials(): DomainError {
  return new DomainError(
    'unauthenticated',
    'INVALID_CREDENTIALS',
    'The email or password is wrong.',
  );
}

function accountNotFound(): DomainError {
  return DomainError.notFound('ACCOUNT_NOT_FOUND', 'No such account.');
}
