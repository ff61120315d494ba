import { Injectable } from '@nestjs/common';
import {
  isUuid,
  MaturityRating,
  PROFILE_HEADER,
  stricterCeiling,
  type Profile,
  type Visibility,
} from '@kinema/contracts';
import type { FastifyRequest } from 'fastify';
import type { LRUCache } from 'lru-cache';
import { boundedLru } from '../lru/bounded-lru';
import { InFlight } from '../lru/in-flight';
import { unauthorized } from '../http/auth-problems';
import { principalOf, type Principal } from './principal';
import type { Viewer } from './viewer';
import { ProblemException } from '../http/problem.exception';
import { UsersClient } from '../users/users.client';

// Bounds memory whatever the number of profiles seen; the least recently used go first.
const MAX_PROFILES = 50_000;

/**
 * Resolves the profile a request browses as and its maturity ceiling. The ceiling always comes
 * from the users service (GetProfile, which also proves the profile is the caller's), never from
 * anything the client says about itself.
 *
 * A profile's answer is trusted as long as a session's (SESSION_CHECK_CACHE_MS): a ceiling never
 * changes once the profile exists, so what this can serve late is a profile deleted through
 * another replica, for that long at most; this replica forgets one at once when it deletes it.
 * Requests for a profile being asked for wait for that one answer.
 */
@Injectable()
export class ViewingProfiles {
  private readonly known: LRUCache<string, Profile> | undefined;
  /** The profiles being asked for now. */
  private readonly asking = new InFlight<string, Profile>();

  constructor(
    private readonly users: UsersClient,
    trustMs: number,
  ) {
    this.known = trustMs > 0 ? boundedLru(MAX_PROFILES, { ttl: trustMs }) : undefined;
  }

  async viewerOf(request: FastifyRequest): Promise<Viewer> {
    const principal = principalOf(request);
    const header = request.headers[PROFILE_HEADER];
    if (header === undefined) return { principal };
    if (typeof header !== 'string' || !isUuid(header)) {
      throw ProblemException.badRequest([
        { field: 'X-Profile-Id', description: 'X-Profile-Id must be a profile id (UUID)' },
      ]);
    }
    if (!principal) throw unauthorized('X-Profile-Id needs a bearer access token.');
    return { principal, profile: await this.profile(principal, header) };
  }

  /** The caller's profile; NOT_FOUND (404) when it is someone else's or does not exist. */
  async profile(principal: Principal, profileId: string): Promise<Profile> {
    const known = this.profileNow(principal, profileId);
    if (known) return known;
    const ask = async () => {
      const { profile } = await this.users.getProfile({
        accountId: principal.accountId,
        profileId,
      });
      if (!profile) throw new Error('users service answered GetProfile without a profile');
      return profile;
    };
    const { known: trusted } = this;
    // With nothing trusted every request asks; otherwise the profile's requests that arrive while
    // it is being asked for wait for that answer.
    if (!trusted) return ask();
    const key = profileKey(principal.accountId, profileId);
    return this.asking.run(key, async (current) => {
      const profile = await ask();
      // Forgotten while it was asked for (deleted here): answered, but not trusted for later.
      if (current()) trusted.set(key, profile);
      return profile;
    });
  }

  /** The caller's profile when known at once (trusted, as `profile` trusts it); else undefined. */
  profileNow(principal: Principal, profileId: string): Profile | undefined {
    return this.known?.get(profileKey(principal.accountId, profileId));
  }

  /** Drops what this replica knows of a profile (after deleting it). */
  forget(accountId: string, profileId: string): void {
    const key = profileKey(accountId, profileId);
    this.known?.delete(key);
    this.asking.forget(key);
  }

  /** What the catalog may show this viewer, narrowed further by a `maxMaturity` the client asked for. */
  visibility(viewer: Viewer, requested = MaturityRating.MATURITY_RATING_UNSPECIFIED): Visibility {
    return {
      maxMaturity: stricterCeiling(
        viewer.profile?.maxMaturity ?? MaturityRating.MATURITY_RATING_UNSPECIFIED,
        requested,
      ),
      includeDrafts: false,
    };
  }
}

function profileKey(accountId: string, profileId: string): string {
  return `${accountId}/${profileId}`;
}
