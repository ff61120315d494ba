import {
  ACCOUNT_LIMITS,
  ARTWORK_KEY,
  FIRST_RELEASE_YEAR,
  GENRE_SLUGS,
  GENRES,
  latestReleaseYear,
  LIBRARY_LIMITS,
  TITLE_LIMITS,
} from '@kinema/contracts';
import { DomainError } from '@kinema/platform/errors';
import type { ArgumentMetadata } from '@nestjs/common';
// The services' own validators, on purpose: this test holds the edge and the services to one
// rulebook (libs/contracts), value by value, at each boundary and one step beyond it.
import { validateTitleInput } from '../../../catalog/src/titles/title-input.validator';
import {
  checkNewPassword,
  checkOfferedPassword,
  emailProblem,
  normaliseEmail,
} from '../../../users/src/accounts/account-credentials';
import { Violations } from '../../../users/src/common/input-rules';
import { checkProfileName } from '../../../users/src/profiles/profile-input';
import { CredentialsBody, RefreshBody, RegisterBody } from '../auth/dto/auth.body';
import { TitleBody } from '../catalog/dto/title.body';
import { toTitleInput } from '../catalog/title-input.mapper';
import { CreateProfileBody, ProgressBody } from '../me/dto/me.body';
import { createValidationPipe } from './validation.pipe';

const pipe = createValidationPipe();

async function gatewayAccepts(
  metatype: ArgumentMetadata['metatype'],
  body: object,
): Promise<boolean> {
  try {
    await pipe.transform(body, { type: 'body', metatype });
    return true;
  } catch {
    return false;
  }
}

const GENRE_IDS = new Map<string, number>(GENRES.map((genre) => [genre.slug, genre.id]));

function catalogAccepts(body: TitleBody): boolean {
  try {
    validateTitleInput(toTitleInput(body), GENRE_IDS);
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') return false;
    throw error;
  }
}

const x = (length: number, unit = 'x') => unit.repeat(length);
const movie = (): TitleBody => ({
  slug: 'boundary-movie',
  type: 'movie',
  name: 'Boundary Movie',
  releaseYear: 2020,
  runtimeMinutes: 90,
  maturityRating: '13+',
  genres: ['drama'],
});
const series = (seasons: TitleBody['seasons']): TitleBody => ({
  ...movie(),
  type: 'series',
  runtimeMinutes: 0,
  seasons,
});
const episode = (number: number) => ({ number, name: `Episode ${number}`, runtimeMinutes: 40 });
const L = TITLE_LIMITS;

/** [rule, a title at the boundary, the same title one step beyond it] */
const titleBoundaries: Array<[string, TitleBody, TitleBody]> = [
  [
    'slug length',
    { ...movie(), slug: x(L.slugLength, 'a') },
    { ...movie(), slug: x(L.slugLength + 1, 'a') },
  ],
  ['name length', { ...movie(), name: x(L.nameLength) }, { ...movie(), name: x(L.nameLength + 1) }],
  // Characters, not UTF-16 units: an emoji counts once on both sides.
  [
    'name length in emoji',
    { ...movie(), name: x(L.nameLength, '🎬') },
    { ...movie(), name: x(L.nameLength + 1, '🎬') },
  ],
  [
    'synopsis length',
    { ...movie(), synopsis: x(L.synopsisLength) },
    { ...movie(), synopsis: x(L.synopsisLength + 1) },
  ],
  [
    'runtime',
    { ...movie(), runtimeMinutes: L.runtimeMinutes },
    { ...movie(), runtimeMinutes: L.runtimeMinutes + 1 },
  ],
  [
    'latest release year',
    { ...movie(), releaseYear: latestReleaseYear() },
    { ...movie(), releaseYear: latestReleaseYear() + 1 },
  ],
  [
    'first release year',
    { ...movie(), releaseYear: FIRST_RELEASE_YEAR },
    { ...movie(), releaseYear: FIRST_RELEASE_YEAR - 1 },
  ],
  [
    'popularity',
    { ...movie(), popularity: L.popularity },
    { ...movie(), popularity: L.popularity + 1 },
  ],
  [
    'genres',
    { ...movie(), genres: GENRE_SLUGS.slice(0, L.genres) },
    { ...movie(), genres: GENRE_SLUGS.slice(0, L.genres + 1) },
  ],
  [
    'credits',
    {
      ...movie(),
      credits: Array.from({ length: L.credits }, (_, i) => ({
        name: `P${i}`,
        role: 'cast' as const,
      })),
    },
    {
      ...movie(),
      credits: Array.from({ length: L.credits + 1 }, (_, i) => ({
        name: `P${i}`,
        role: 'cast' as const,
      })),
    },
  ],
  [
    'person name length',
    { ...movie(), credits: [{ name: x(L.personNameLength), role: 'director' }] },
    { ...movie(), credits: [{ name: x(L.personNameLength + 1), role: 'director' }] },
  ],
  [
    'character length',
    { ...movie(), credits: [{ name: 'Ada', role: 'cast', character: x(L.characterLength) }] },
    { ...movie(), credits: [{ name: 'Ada', role: 'cast', character: x(L.characterLength + 1) }] },
  ],
  [
    'artwork key length',
    { ...movie(), artwork: { posterKey: `p/${x(ARTWORK_KEY.maxLength - 2)}` } },
    { ...movie(), artwork: { posterKey: `p/${x(ARTWORK_KEY.maxLength - 1)}` } },
  ],
  [
    'artwork key form',
    { ...movie(), artwork: { backdropKey: 'backdrops/a_b-c.jpg' } },
    { ...movie(), artwork: { backdropKey: '/etc/passwd' } },
  ],
  [
    'seasons',
    series(Array.from({ length: L.seasons }, (_, i) => ({ number: i + 1, episodes: [] }))),
    series(Array.from({ length: L.seasons + 1 }, (_, i) => ({ number: i + 1, episodes: [] }))),
  ],
  [
    'episodes per season',
    series([
      {
        number: 1,
        episodes: Array.from({ length: L.episodesPerSeason }, (_, i) => episode(i + 1)),
      },
    ]),
    series([
      {
        number: 1,
        episodes: Array.from({ length: L.episodesPerSeason + 1 }, (_, i) => episode(i + 1)),
      },
    ]),
  ],
  [
    'season number',
    series([{ number: L.partNumber, episodes: [] }]),
    series([{ number: L.partNumber + 1, episodes: [] }]),
  ],
  [
    'episode number',
    series([{ number: 1, episodes: [episode(L.partNumber)] }]),
    series([{ number: 1, episodes: [episode(L.partNumber + 1)] }]),
  ],
];

describe('one rulebook at the edge and in the services', () => {
  it.each(titleBoundaries)(
    '%s: the gateway and the catalog both accept the boundary and both refuse beyond it',
    async (_rule, atBoundary, beyond) => {
      expect([await gatewayAccepts(TitleBody, atBoundary), catalogAccepts(atBoundary)]).toEqual([
        true,
        true,
      ]);
      expect([await gatewayAccepts(TitleBody, beyond), catalogAccepts(beyond)]).toEqual([
        false,
        false,
      ]);
    },
  );

  const A = ACCOUNT_LIMITS;
  const usersAcceptPassword = (password: string) => {
    const violations = new Violations();
    checkNewPassword(violations, 'password', password);
    return violations.empty;
  };
  const usersAcceptOffered = (password: string) => {
    const violations = new Violations();
    checkOfferedPassword(violations, 'password', password);
    return violations.empty;
  };

  it('email length: the gateway and the users service agree at the boundary and beyond', async () => {
    const email = (length: number) => `${x(60)}@${x(length - 66)}.test`;
    expect(email(A.emailLength)).toHaveLength(A.emailLength);
    const at = { email: email(A.emailLength), password: 'correct horse battery' };
    const over = { email: email(A.emailLength + 1), password: 'correct horse battery' };
    expect([
      await gatewayAccepts(CredentialsBody, at),
      emailProblem(normaliseEmail(at.email)),
    ]).toEqual([true, undefined]);
    expect(await gatewayAccepts(CredentialsBody, over)).toBe(false);
    expect(emailProblem(normaliseEmail(over.email))).toBeDefined();
  });

  it('email shape of a new account: the gateway and the users service agree, both ways', async () => {
    const password = 'correct horse battery';
    for (const email of ['  Ada@Example.COM ', 'a@b.c', 'ümlaut@exämple.de']) {
      expect([
        await gatewayAccepts(RegisterBody, { email, password }),
        emailProblem(normaliseEmail(email)),
      ]).toEqual([true, undefined]);
    }
    for (const email of [
      'ada',
      'ada@example',
      'a da@example.com',
      'ada@@example.com',
      'ada\u0007@x.io',
    ]) {
      expect(await gatewayAccepts(RegisterBody, { email, password })).toBe(false);
      expect(emailProblem(normaliseEmail(email))).toBeDefined();
    }
  });

  it('password length, counted in characters: both agree at the maximum and beyond', async () => {
    const body = (password: string) => ({ email: 'ada@example.com', password });
    for (const unit of ['p', '🔑']) {
      expect([
        await gatewayAccepts(CredentialsBody, body(x(A.passwordMaxLength, unit))),
        usersAcceptOffered(x(A.passwordMaxLength, unit)),
        usersAcceptPassword(x(A.passwordMaxLength, unit)),
      ]).toEqual([true, true, true]);
      expect([
        await gatewayAccepts(CredentialsBody, body(x(A.passwordMaxLength + 1, unit))),
        usersAcceptOffered(x(A.passwordMaxLength + 1, unit)),
        usersAcceptPassword(x(A.passwordMaxLength + 1, unit)),
      ]).toEqual([false, false, false]);
    }
    // A new password also has a minimum (sign-in takes whatever was set).
    for (const unit of ['p', '🔑']) {
      expect([
        await gatewayAccepts(RegisterBody, body(x(A.passwordMinLength, unit))),
        usersAcceptPassword(x(A.passwordMinLength, unit)),
      ]).toEqual([true, true]);
      expect([
        await gatewayAccepts(RegisterBody, body(x(A.passwordMinLength - 1, unit))),
        usersAcceptPassword(x(A.passwordMinLength - 1, unit)),
        await gatewayAccepts(CredentialsBody, body(x(A.passwordMinLength - 1, unit))),
      ]).toEqual([false, false, true]);
    }
  });

  it('profile name length: both agree at the boundary and beyond', async () => {
    const usersAccept = (name: string) => {
      const violations = new Violations();
      checkProfileName(violations, 'name', name);
      return violations.empty;
    };
    for (const unit of ['k', '🐼']) {
      const at = x(A.profileNameLength, unit);
      const over = x(A.profileNameLength + 1, unit);
      expect([await gatewayAccepts(CreateProfileBody, { name: at }), usersAccept(at)]).toEqual([
        true,
        true,
      ]);
      expect([await gatewayAccepts(CreateProfileBody, { name: over }), usersAccept(over)]).toEqual([
        false,
        false,
      ]);
    }
  });

  it('refresh token and playback position bounds come from the same contract', async () => {
    expect(await gatewayAccepts(RefreshBody, { refreshToken: x(A.refreshTokenLength) })).toBe(true);
    expect(await gatewayAccepts(RefreshBody, { refreshToken: x(A.refreshTokenLength + 1) })).toBe(
      false,
    );
    const max = LIBRARY_LIMITS.durationSeconds;
    expect(await gatewayAccepts(ProgressBody, { positionSeconds: max, durationSeconds: max })).toBe(
      true,
    );
    expect(await gatewayAccepts(ProgressBody, { positionSeconds: max + 1 })).toBe(false);
    expect(
      await gatewayAccepts(ProgressBody, { positionSeconds: 1, durationSeconds: max + 1 }),
    ).toBe(false);
  });
});
