import {
  ACCOUNT_LIMITS,
  type CreateProfileRequest,
  type DeleteProfileRequest,
  type GetProfileRequest,
  type Profile,
  type RenameProfileRequest,
} from '@kinema/contracts';
import { DomainError } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Violations } from '../common/input-rules';
import { checkMaturityCeiling, checkProfileName } from './profile-input';

const MAX_PROFILES_PER_ACCOUNT = ACCOUNT_LIMITS.profilesPerAccount;
import { toProfile } from './profile.mapper';
import { accountNotFound, profileNotFound, ProfilesRepository } from './profiles.repository';

@Injectable()
export class ProfilesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly profiles: ProfilesRepository,
  ) {}

  async list(rawAccountId: string): Promise<Profile[]> {
    const violations = new Violations();
    const accountId = violations.uuid('account_id', rawAccountId);
    violations.throwIfAny();
    const rows = await this.profiles.list(accountId);
    // Every account has a profile, so an empty answer means the account is gone.
    if (rows.length === 0 && !(await this.profiles.accountExists(accountId)))
      throw accountNotFound();
    return rows.map(toProfile);
  }

  async get(request: GetProfileRequest): Promise<Profile> {
    const violations = new Violations();
    const accountId = violations.uuid('account_id', request.accountId);
    const profileId = violations.uuid('profile_id', request.profileId);
    violations.throwIfAny();
    const row = await this.profiles.get(accountId, profileId);
    if (!row) throw profileNotFound();
    return toProfile(row);
  }

  async create(request: CreateProfileRequest): Promise<Profile> {
    const violations = new Violations();
    const accountId = violations.uuid('account_id', request.accountId);
    const name = checkProfileName(violations, 'name', request.name);
    const maxMaturity = checkMaturityCeiling(
      violations,
      'max_maturity',
      request.kids,
      request.maxMaturity,
    );
    violations.throwIfAny();
    return this.dataSource.transaction(async (manager) => {
      // The account row lock makes count-then-insert safe against concurrent creates.
      if (!(await this.profiles.lockAccount(manager, accountId))) throw accountNotFound();
      const existing = await this.profiles.list(accountId, manager);
      if (existing.length >= MAX_PROFILES_PER_ACCOUNT) {
        throw new DomainError(
          'failed_precondition',
          'PROFILE_LIMIT',
          `An account has at most ${MAX_PROFILES_PER_ACCOUNT} profiles; delete one first.`,
        );
      }
      return toProfile(
        await this.profiles.insert(manager, accountId, { name, kids: request.kids, maxMaturity }),
      );
    });
  }

  async rename(request: RenameProfileRequest): Promise<Profile> {
    const violations = new Violations();
    const accountId = violations.uuid('account_id', request.accountId);
    const profileId = violations.uuid('profile_id', request.profileId);
    const name = checkProfileName(violations, 'name', request.name);
    violations.throwIfAny();
    const row = await this.profiles.rename(accountId, profileId, name);
    if (!row) throw profileNotFound();
    return toProfile(row);
  }

  /** Deletes a profile with its list and progress; the last profile of an account stays. */
  async delete(request: DeleteProfileRequest): Promise<void> {
    const violations = new Violations();
    const accountId = violations.uuid('account_id', request.accountId);
    const profileId = violations.uuid('profile_id', request.profileId);
    violations.throwIfAny();
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.profiles.lockAccount(manager, accountId))) throw profileNotFound();
      const existing = await this.profiles.list(accountId, manager);
      if (!existing.some((profile) => profile.id === profileId)) throw profileNotFound();
      if (existing.length === 1) {
        throw new DomainError(
          'failed_precondition',
          'LAST_PROFILE',
          'An account keeps at least one profile.',
        );
      }
      await this.profiles.delete(manager, accountId, profileId);
    });
  }
}
