import { status } from '@grpc/grpc-js';
import { MaturityRating } from '@kinema/contracts';
import {
  aRegisteredAccount,
  defined,
  failureOf,
  startTestUsers,
  type UsersHarness,
} from '../testing/users-test-harness';

let users: UsersHarness;

beforeAll(async () => {
  users = await startTestUsers();
});

afterAll(async () => {
  await users?.close();
});

describe('profiles', () => {
  it('starts every account with one adult profile', async () => {
    const { accountId, profileId: defaultProfileId } = await aRegisteredAccount(users.rpc);
    const { profiles } = await users.rpc.listProfiles({ accountId });
    expect(profiles.map((p) => p.id)).toEqual([defaultProfileId]);
    expect(profiles[0]).toMatchObject({
      kids: false,
      maxMaturity: MaturityRating.MATURITY_RATING_UNSPECIFIED,
    });
  });

  it('creates, renames and deletes profiles, oldest listed first', async () => {
    const { accountId, profileId: defaultProfileId } = await aRegisteredAccount(users.rpc);
    const created = defined(
      (await users.rpc.createProfile({ accountId, name: '  Sam  ' })).profile,
      'profile',
    );
    expect(created.name).toBe('Sam');
    const renamed = defined(
      (await users.rpc.renameProfile({ accountId, profileId: created.id, name: 'Samira' })).profile,
      'profile',
    );
    expect(renamed.name).toBe('Samira');
    expect((await users.rpc.listProfiles({ accountId })).profiles.map((p) => p.name)).toHaveLength(
      2,
    );
    expect((await users.rpc.listProfiles({ accountId })).profiles.map((p) => p.id)).toEqual([
      defaultProfileId,
      created.id,
    ]);
    await users.rpc.deleteProfile({ accountId, profileId: created.id });
    expect((await users.rpc.listProfiles({ accountId })).profiles.map((p) => p.id)).toEqual([
      defaultProfileId,
    ]);
  });

  it('gives kids profiles a KIDS_7 ceiling by default and refuses adult ceilings for them', async () => {
    const { accountId } = await aRegisteredAccount(users.rpc);
    const kids = defined(
      (await users.rpc.createProfile({ accountId, name: 'Kids', kids: true })).profile,
      'profile',
    );
    expect(kids.maxMaturity).toBe(MaturityRating.MATURITY_RATING_KIDS_7);
    const failure = await failureOf(
      users.rpc.createProfile({
        accountId,
        name: 'Teen',
        kids: true,
        maxMaturity: MaturityRating.MATURITY_RATING_ADULT_18,
      }),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.fieldViolations.map((v) => v.field)).toEqual(['max_maturity']);
  });

  it('allows five profiles per account and refuses a sixth with PROFILE_LIMIT', async () => {
    const { accountId } = await aRegisteredAccount(users.rpc);
    for (const name of ['Two', 'Three', 'Four', 'Five'])
      await users.rpc.createProfile({ accountId, name });
    const failure = await failureOf(users.rpc.createProfile({ accountId, name: 'Six' }));
    expect(failure.code).toBe(status.FAILED_PRECONDITION);
    expect(failure.errorCode).toBe('PROFILE_LIMIT');
    expect((await users.rpc.listProfiles({ accountId })).profiles).toHaveLength(5);
  });

  it('keeps the last profile of an account', async () => {
    const { accountId, profileId: defaultProfileId } = await aRegisteredAccount(users.rpc);
    const failure = await failureOf(
      users.rpc.deleteProfile({ accountId, profileId: defaultProfileId }),
    );
    expect(failure.code).toBe(status.FAILED_PRECONDITION);
    expect(failure.errorCode).toBe('LAST_PROFILE');
  });

  it("answers NOT_FOUND for another account's profile, whatever the call", async () => {
    const owner = await aRegisteredAccount(users.rpc);
    const intruder = await aRegisteredAccount(users.rpc);
    const profileId = owner.profileId;
    const calls = [
      users.rpc.getProfile({ accountId: intruder.accountId, profileId }),
      users.rpc.renameProfile({ accountId: intruder.accountId, profileId, name: 'Mine now' }),
      users.rpc.deleteProfile({ accountId: intruder.accountId, profileId }),
      users.rpc.addToMyList({ accountId: intruder.accountId, profileId, titleId: owner.accountId }),
      users.rpc.listMyList({ accountId: intruder.accountId, profileId }),
      users.rpc.reportProgress({
        accountId: intruder.accountId,
        profileId,
        titleId: owner.accountId,
        positionSeconds: 1,
        durationSeconds: 10,
      }),
      users.rpc.listContinueWatching({ accountId: intruder.accountId, profileId }),
    ];
    for (const call of calls) {
      const failure = await failureOf(call);
      expect([failure.code, failure.errorCode]).toEqual([status.NOT_FOUND, 'PROFILE_NOT_FOUND']);
    }
    const untouched = defined(
      (await users.rpc.getProfile({ accountId: owner.accountId, profileId })).profile,
      'profile',
    );
    expect(untouched.name).not.toBe('Mine now');
  });

  it('stores SQL-looking names verbatim and rejects names that are too long or empty', async () => {
    const { accountId } = await aRegisteredAccount(users.rpc);
    const name = "Robert'); DROP TABLE profiles;--";
    const created = defined(
      (await users.rpc.createProfile({ accountId, name })).profile,
      'profile',
    );
    expect(created.name).toBe(name);
    expect((await users.rpc.getProfile({ accountId, profileId: created.id })).profile?.name).toBe(
      name,
    );
    for (const bad of ['x'.repeat(10_240), 'x'.repeat(51), '   ']) {
      const failure = await failureOf(users.rpc.createProfile({ accountId, name: bad }));
      expect(failure.code).toBe(status.INVALID_ARGUMENT);
    }
  });

  it('names every bad field of a request at once', async () => {
    const failure = await failureOf(
      users.rpc.renameProfile({ accountId: 'nope', profileId: "' OR 1=1", name: '' }),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.fieldViolations.map((v) => v.field)).toEqual([
      'account_id',
      'profile_id',
      'name',
    ]);
  });
});
