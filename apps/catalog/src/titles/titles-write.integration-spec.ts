import { status } from '@grpc/grpc-js';
import {
  Availability,
  CreditRole,
  MaturityRating,
  TitleType,
  type Title,
  type TitleInput,
} from '@kinema/contracts';
import {
  defined,
  failureOf,
  startTestCatalog,
  type CatalogHarness,
} from '../testing/catalog-test-harness';
import { aMovie, aSeason, aSeries } from '../testing/title-input.builder';

const everyone = { maxMaturity: MaturityRating.MATURITY_RATING_UNSPECIFIED, includeDrafts: true };

describe('catalog writes', () => {
  let catalog: CatalogHarness;

  const create = async (input: TitleInput): Promise<Title> =>
    defined((await catalog.rpc.createTitle({ title: input })).title, 'created title');
  const fetchTitle = async (id: string): Promise<Title> =>
    defined((await catalog.rpc.getTitle({ id, visibility: everyone })).title, 'title');
  const allIds = async () =>
    (await catalog.rpc.listTitles({ limit: 100, visibility: everyone })).titles
      .map((title) => title.id)
      .sort();
  const fields = (failure: { fieldViolations: Array<{ field: string }> }) =>
    failure.fieldViolations.map((v) => v.field);

  beforeAll(async () => {
    catalog = await startTestCatalog();
  });

  afterAll(async () => {
    await catalog?.close();
  });

  it('creates a title and answers it with version 1, genres, credits and timestamps', async () => {
    const title = await create(aMovie({ name: 'Brand New', genreSlugs: ['sci-fi', 'drama'] }));
    expect(title).toMatchObject({
      name: 'Brand New',
      version: 1,
      type: TitleType.TITLE_TYPE_MOVIE,
      playable: false,
    });
    expect(title.genres.map((genre) => genre.slug).sort()).toEqual(['drama', 'sci-fi']);
    expect(title.credits[1]).toEqual({
      personName: 'Pim Soladine',
      role: CreditRole.CREDIT_ROLE_CAST,
      character: 'The Courier',
    });
    expect(title.createTime).toBeInstanceOf(Date);
    expect(await fetchTitle(title.id)).toMatchObject({ id: title.id, name: 'Brand New' });
  });

  it('reports every invalid field of a title at once and stores nothing', async () => {
    const twiceEpisodeOne = {
      ...aSeason(1, 0),
      episodes: [aSeason(1, 1).episodes, aSeason(1, 1).episodes].flat(),
    };
    const bad = aSeries([twiceEpisodeOne, aSeason(1, 0), aSeason(0, 0)], {
      slug: 'Not A Slug',
      name: '',
      synopsis: 'x'.repeat(2001),
      releaseYear: 1800,
      runtimeMinutes: 90,
      maturityRating: MaturityRating.MATURITY_RATING_UNSPECIFIED,
      genreSlugs: ['drama', 'no-such-genre'],
      credits: Array.from({ length: 101 }, () => ({
        personName: 'A',
        role: CreditRole.CREDIT_ROLE_CAST,
        character: '',
      })),
    });
    const before = await allIds();
    const failure = await failureOf(catalog.rpc.createTitle({ title: bad }));
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(fields(failure)).toEqual(
      expect.arrayContaining([
        'title.slug',
        'title.name',
        'title.synopsis',
        'title.release_year',
        'title.runtime_minutes',
        'title.maturity_rating',
        'title.genre_slugs[1]',
        'title.credits',
        'title.seasons[1].number',
        'title.seasons[2].number',
        'title.seasons[0].episodes[1].number',
      ]),
    );
    expect(await allIds()).toEqual(before);
  });

  it.each([
    ['a movie with seasons', aMovie({ seasons: [aSeason(1, 1)] }), 'title.seasons'],
    ['a missing type', aMovie({ type: TitleType.TITLE_TYPE_UNSPECIFIED }), 'title.type'],
    [
      'a release year too far ahead',
      aMovie({ releaseYear: new Date().getUTCFullYear() + 6 }),
      'title.release_year',
    ],
    ['a runtime over 1000 minutes', aMovie({ runtimeMinutes: 1001 }), 'title.runtime_minutes'],
    ['a slug over 100 characters', aMovie({ slug: 'a'.repeat(101) }), 'title.slug'],
    ['a name over 200 characters', aMovie({ name: 'n'.repeat(201) }), 'title.name'],
    [
      'a credit without a role',
      aMovie({
        credits: [{ personName: 'X', role: CreditRole.CREDIT_ROLE_UNSPECIFIED, character: '' }],
      }),
      'title.credits[0].role',
    ],
    [
      'an episode number below 1',
      aSeries([
        { ...aSeason(1, 1), episodes: [{ number: 0, name: '', synopsis: '', runtimeMinutes: 1 }] },
      ]),
      'title.seasons[0].episodes[0].number',
    ],
  ] as Array<[string, TitleInput, string]>)(
    'rejects %s, naming the field',
    async (_case, input, field) => {
      const before = await allIds();
      const failure = await failureOf(catalog.rpc.createTitle({ title: input }));
      expect(failure.code).toBe(status.INVALID_ARGUMENT);
      expect(fields(failure)).toContain(field);
      expect(await allIds()).toEqual(before);
    },
  );

  it('refuses a NUL character in any text field, naming it, and stores nothing', async () => {
    const slug = 'nul-in-the-synopsis';
    const failure = await failureOf(
      catalog.rpc.createTitle({
        title: aMovie({
          slug,
          synopsis: 'Before\u0000after',
          credits: [
            { personName: 'A\u0000', role: CreditRole.CREDIT_ROLE_DIRECTOR, character: '' },
          ],
        }),
      }),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.fieldViolations.map((v) => v.field).sort()).toEqual([
      'title.credits[0].person_name',
      'title.synopsis',
    ]);
    const page = await catalog.rpc.listTitles({ query: 'nul', limit: 100 });
    expect(page.titles.map((t) => t.slug)).not.toContain(slug);
  });

  it('answers ALREADY_EXISTS for a slug another title uses, on create and on update', async () => {
    const first = await create(aMovie({ slug: 'one-of-a-kind' }));
    const failure = await failureOf(
      catalog.rpc.createTitle({ title: aMovie({ slug: 'one-of-a-kind' }) }),
    );
    expect(failure.code).toBe(status.ALREADY_EXISTS);
    expect(failure.errorCode).toBe('TITLE_SLUG_TAKEN');
    const other = await create(aMovie());
    const onUpdate = await failureOf(
      catalog.rpc.updateTitle({ id: other.id, title: aMovie({ slug: first.slug }) }),
    );
    expect(onUpdate.errorCode).toBe('TITLE_SLUG_TAKEN');
    expect((await fetchTitle(other.id)).slug).toBe(other.slug);
  });

  it('replaces every writable field on update, keeping season and episode ids by number', async () => {
    const series = await create(aSeries([aSeason(1, 3), aSeason(2, 2)]));
    const before = await fetchTitle(series.id);
    const input = aSeries([aSeason(2, 3, { name: 'Second' }), aSeason(3, 1)], {
      slug: series.slug,
      name: 'Renamed',
      genreSlugs: ['comedy'],
    });
    const title = defined(
      (await catalog.rpc.updateTitle({ id: series.id, expectedVersion: 1, title: input })).title,
    );
    expect(title).toMatchObject({ name: 'Renamed', version: 2 });
    expect(title.genres.map((genre) => genre.slug)).toEqual(['comedy']);
    const after = await fetchTitle(series.id);
    expect(after.seasons.map((season) => [season.number, season.episodes.length])).toEqual([
      [2, 3],
      [3, 1],
    ]);
    const [keptAfter] = after.seasons;
    const keptBefore = before.seasons[1];
    expect(keptAfter?.id).toBe(keptBefore?.id);
    expect(keptAfter?.name).toBe('Second');
    expect(keptAfter?.episodes.slice(0, 2).map((e) => e.id)).toEqual(
      keptBefore?.episodes.map((e) => e.id),
    );
  });

  it('answers FAILED_PRECONDITION for a stale expected version and changes nothing', async () => {
    const title = await create(aMovie());
    await catalog.rpc.patchTitle({
      id: title.id,
      expectedVersion: 1,
      title: aMovie({ name: 'Second Name' }),
      updateMask: ['name'],
    });
    for (const call of [
      () =>
        catalog.rpc.updateTitle({
          id: title.id,
          expectedVersion: 1,
          title: aMovie({ slug: title.slug, name: 'Lost Update' }),
        }),
      () =>
        catalog.rpc.patchTitle({
          id: title.id,
          expectedVersion: 1,
          title: aMovie({ name: 'Lost Patch' }),
          updateMask: ['name'],
        }),
      () => catalog.rpc.deleteTitle({ id: title.id, expectedVersion: 1 }),
    ]) {
      const failure = await failureOf(call());
      expect(failure.code).toBe(status.FAILED_PRECONDITION);
      expect(failure.errorCode).toBe('TITLE_VERSION_MISMATCH');
    }
    expect(await fetchTitle(title.id)).toMatchObject({ name: 'Second Name', version: 2 });
  });

  it('patches only the fields named in the mask', async () => {
    const title = await create(aMovie({ name: 'Before Patch', synopsis: 'Kept as is.' }));
    const patch = aMovie({
      name: 'After Patch',
      synopsis: 'Ignored',
      artwork: { posterKey: 'p/new.jpg', backdropKey: 'ignored' },
    });
    const { title: patched } = await catalog.rpc.patchTitle({
      id: title.id,
      title: patch,
      updateMask: ['name', 'artwork.poster_key', 'availability'],
    });
    expect(patched).toMatchObject({
      name: 'After Patch',
      synopsis: 'Kept as is.',
      version: 2,
      slug: title.slug,
    });
    expect(patched?.artwork).toEqual({ posterKey: 'p/new.jpg', backdropKey: '' });
  });

  it('rejects an unknown or empty update mask and an invalid patched value', async () => {
    const title = await create(aMovie());
    for (const mask of [['name', 'playable'], []]) {
      const failure = await failureOf(
        catalog.rpc.patchTitle({ id: title.id, title: aMovie(), updateMask: mask }),
      );
      expect(failure.code).toBe(status.INVALID_ARGUMENT);
      expect(fields(failure)).toEqual(['update_mask']);
    }
    const invalid = await failureOf(
      catalog.rpc.patchTitle({
        id: title.id,
        title: aMovie({ releaseYear: 1700 }),
        updateMask: ['release_year'],
      }),
    );
    expect(fields(invalid)).toEqual(['title.release_year']);
    expect((await fetchTitle(title.id)).version).toBe(1);
  });

  it('deletes a title, after which it is not found', async () => {
    const title = await create(aMovie({ availability: Availability.AVAILABILITY_DRAFT }));
    await catalog.rpc.deleteTitle({ id: title.id, expectedVersion: 1 });
    const failure = await failureOf(catalog.rpc.getTitle({ id: title.id, visibility: everyone }));
    expect(failure.errorCode).toBe('TITLE_NOT_FOUND');
    const again = await failureOf(catalog.rpc.deleteTitle({ id: title.id }));
    expect(again.code).toBe(status.NOT_FOUND);
  });

  it('rejects ids that are not UUIDs on every write', async () => {
    for (const call of [
      () => catalog.rpc.updateTitle({ id: 'nope', title: aMovie() }),
      () => catalog.rpc.patchTitle({ id: 'nope', title: aMovie(), updateMask: ['name'] }),
      () => catalog.rpc.deleteTitle({ id: 'nope' }),
    ]) {
      const failure = await failureOf(call());
      expect(failure.code).toBe(status.INVALID_ARGUMENT);
      expect(fields(failure)).toEqual(['id']);
    }
  });
});
