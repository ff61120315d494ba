import type { GetProfileResponse } from '@kinema/contracts';
import { aKidsProfile } from '../testing/kids-profile';
import type { UsersClient } from '../users/users.client';
import type { Principal } from './principal';
import { ViewingProfiles } from './viewing-profiles.service';

const principal: Principal = { accountId: 'account-1', role: 'viewer', sessionId: 'session-1' };
const PROFILE_ID = '3f0c9a52-6a36-4c55-8f1e-0d6a3c1b7e21';
const kids = aKidsProfile(PROFILE_ID);

describe('ViewingProfiles', () => {
  /** A users service whose GetProfile answers when the test releases it; counts its calls. */
  function usersAnsweringLater() {
    const releases: ((answer: GetProfileResponse) => void)[] = [];
    const users = {
      getProfile: () => new Promise<GetProfileResponse>((resolve) => releases.push(resolve)),
    } as unknown as UsersClient;
    return { users, releases };
  }

  it("asks the users service once for a profile's requests that arrive while it is asked for", async () => {
    const { users, releases } = usersAnsweringLater();
    const profiles = new ViewingProfiles(users, 2_000);
    const burst = [1, 2, 3, 4].map(() => profiles.profile(principal, PROFILE_ID));
    expect(releases).toHaveLength(1);
    releases[0]?.({ profile: kids });
    expect((await Promise.all(burst)).map((p) => p.maxMaturity)).toEqual([
      kids.maxMaturity,
      kids.maxMaturity,
      kids.maxMaturity,
      kids.maxMaturity,
    ]);
    expect(profiles.profileNow(principal, PROFILE_ID)).toEqual(kids);
  });

  it('asks for every request when nothing is trusted, for requests at the same time too', async () => {
    const { users, releases } = usersAnsweringLater();
    const profiles = new ViewingProfiles(users, 0);
    const both = [1, 2].map(() => profiles.profile(principal, PROFILE_ID));
    expect(releases).toHaveLength(2);
    releases.forEach((release) => release({ profile: kids }));
    await Promise.all(both);
  });

  it('does not answer a request after a deletion here with a call started before it', async () => {
    const { users, releases } = usersAnsweringLater();
    const profiles = new ViewingProfiles(users, 2_000);
    const before = profiles.profile(principal, PROFILE_ID);
    profiles.forget('account-1', PROFILE_ID);
    const after = profiles.profile(principal, PROFILE_ID);
    expect(releases).toHaveLength(2);
    // The earlier call answers its own request, but what it answered is not kept.
    releases[0]?.({ profile: kids });
    expect(await before).toEqual(kids);
    expect(profiles.profileNow(principal, PROFILE_ID)).toBeUndefined();
    releases[1]?.({ profile: kids });
    expect(await after).toEqual(kids);
  });
});
