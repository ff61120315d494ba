import { status } from '@grpc/grpc-js';
import { Client } from 'pg';
import {
  Availability,
  CreditRole,
  MaturityRating,
  TitleSort,
  TitleType,
  type ListTitlesRequest,
  type Title,
} from '@kinema/contracts';
import {
  defined,
  failureOf,
  startTestCatalog,
  type CatalogHarness,
} from '../testing/catalog-test-harness';
import { makePlayable } from '../testing/deliver-event';
import { TitlesReadRepository } from './titles-read.repository';
import { aMovie, aSeason, aSeries } from '../testing/title-input.builder';

const DEMO_TITLES = 150;
const everyone = { maxMaturity: MaturityRating.MATURITY_RATING_UNSPECIFIED, includeDrafts: true };
const rank = (rating: MaturityRating) => Object.values(MaturityRating).indexOf(rating);

describe('catalog reads', () => {
  let catalog: CatalogHarness;
  let all: Title[];
  const fixtures: Record<
    'nameMatch' | 'synopsisMatch' | 'draft' | 'series' | 'castMatch' | 'castNameMatch',
    Title
  > = {} as never;

  /** Every page of a listing, failing on a duplicate. */
  async function walk(request: Partial<ListTitlesRequest>, limit = 17): Promise<Title[]> {
    const titles: Title[] = [];
    let cursor = '';
    do {
      const page = await catalog.rpc.listTitles({ ...request, limit, cursor });
      expect(page.titles.length).toBeLessThanOrEqual(limit);
      titles.push(...page.titles);
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(titles.map((title) => title.id)).size).toBe(titles.length);
    return titles;
  }
  const ids = (titles: Title[]) => titles.map((title) => title.id).sort();

  beforeAll(async () => {
    catalog = await startTestCatalog({ DEMO_SEED_TITLES: String(DEMO_TITLES) });
    const create = async (input: ReturnType<typeof aMovie>) =>
      defined((await catalog.rpc.createTitle({ title: input })).title, 'created title');
    fixtures.nameMatch = await create(
      aMovie({ name: 'Zyxquon Harbor', synopsis: 'Nothing special here.' }),
    );
    fixtures.synopsisMatch = await create(
      aMovie({ name: 'Plain Evening', synopsis: 'A zyxquon appears at dawn.' }),
    );
    fixtures.draft = await create(
      aMovie({ name: 'Unreleased Draft', availability: Availability.AVAILABILITY_DRAFT }),
    );
    fixtures.series = await create(
      aSeries([aSeason(2, 4), aSeason(1, 3)], { name: 'Ordered Seasons' }),
    );
    fixtures.castMatch = await create(
      aMovie({
        name: 'Quillmarsh Tides',
        genreSlugs: ['documentary'],
        credits: [
          { personName: 'Vellamy Corrowind', role: CreditRole.CREDIT_ROLE_CAST, character: '' },
        ],
      }),
    );
    fixtures.castNameMatch = await create(aMovie({ name: 'Corrowind Bay' }));
    // Every third title (drafts included) gets a ready video; Browse must show only the
    // published ones among them, while lists show every published title either way.
    const everyThird = (await walk({ visibility: everyone }, 100)).filter((_, i) => i % 3 === 0);
    for (const title of everyThird) await makePlayable(catalog, title.id);
    await makePlayable(catalog, fixtures.draft.id);
    all = await walk({ visibility: everyone }, 100);
  });

  afterAll(async () => {
    await catalog?.close();
  });

  it('walks every title exactly once in each sort, in that sort order', async () => {
    expect(all).toHaveLength(DEMO_TITLES + 6);
    const byName = await walk({ sort: TitleSort.TITLE_SORT_NAME, visibility: everyone });
    const newest = await walk({ sort: TitleSort.TITLE_SORT_NEWEST, visibility: everyone }, 9);
    const popular = await walk({ sort: TitleSort.TITLE_SORT_POPULAR, visibility: everyone }, 11);
    // Nobody has watched anything here: one long tie at score 0, ordered by the id tie-break.
    const trending = await walk({ sort: TitleSort.TITLE_SORT_TRENDING, visibility: everyone }, 13);
    for (const listing of [byName, newest, popular, trending])
      expect(ids(listing)).toEqual(ids(all));
    expect(trending.map((title) => title.id)).toEqual(ids(all).reverse());
    const names = byName.map((title) => title.name.toLowerCase());
    expect(names).toEqual(
      [...names].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : a === b ? 0 : 1)),
    );
    newest
      .slice(1)
      .forEach((title, index) =>
        expect(title.releaseYear).toBeLessThanOrEqual(defined(newest[index]).releaseYear),
      );
    popular
      .slice(1)
      .forEach((title, index) =>
        expect(title.popularity).toBeLessThanOrEqual(defined(popular[index]).popularity),
      );
  });

  it('hides drafts unless asked to include them', async () => {
    const visible = await walk({});
    expect(
      visible.every((title) => title.availability === Availability.AVAILABILITY_PUBLISHED),
    ).toBe(true);
    expect(ids(visible)).toEqual(
      ids(all.filter((title) => title.availability === Availability.AVAILABILITY_PUBLISHED)),
    );
    expect(ids(visible)).not.toContain(fixtures.draft.id);
    const playable = visible.filter((title) => title.playable);
    expect(playable.length).toBeGreaterThan(0);
    expect(playable.length).toBeLessThan(visible.length);
  });

  it('hides titles above the maturity ceiling', async () => {
    const ceiling = MaturityRating.MATURITY_RATING_KIDS_7;
    const visible = await walk({ visibility: { maxMaturity: ceiling, includeDrafts: true } });
    expect(visible.length).toBeGreaterThan(0);
    expect(ids(visible)).toEqual(
      ids(all.filter((title) => rank(title.maturityRating) <= rank(ceiling))),
    );
  });

  it('filters by genre, type and release-year range', async () => {
    const comedy = await walk({ genre: 'comedy', visibility: everyone });
    expect(comedy.length).toBeGreaterThan(0);
    expect(ids(comedy)).toEqual(
      ids(all.filter((title) => title.genres.some((genre) => genre.slug === 'comedy'))),
    );
    const series = await walk({ type: TitleType.TITLE_TYPE_SERIES, visibility: everyone });
    expect(ids(series)).toEqual(
      ids(all.filter((title) => title.type === TitleType.TITLE_TYPE_SERIES)),
    );
    const years = await walk({
      yearFrom: 2000,
      yearTo: 2015,
      sort: TitleSort.TITLE_SORT_NEWEST,
      visibility: everyone,
    });
    expect(ids(years)).toEqual(
      ids(all.filter((title) => title.releaseYear >= 2000 && title.releaseYear <= 2015)),
    );
  });

  it('answers 20 titles when the limit is 0', async () => {
    const page = await catalog.rpc.listTitles({ limit: 0 });
    expect(page.titles).toHaveLength(20);
    expect(page.nextCursor).not.toBe('');
  });

  it('finds a title by the prefix of any word of its name and ranks a name match above a synopsis match', async () => {
    const { titles } = await catalog.rpc.listTitles({ query: 'zyxq' });
    expect(titles.map((title) => title.id)).toEqual([
      fixtures.nameMatch.id,
      fixtures.synopsisMatch.id,
    ]);
    const secondWord = await catalog.rpc.listTitles({
      query: 'harb',
      visibility: everyone,
      limit: 100,
    });
    expect(secondWord.titles.map((title) => title.id)).toContain(fixtures.nameMatch.id);
    const bothTerms = await catalog.rpc.listTitles({ query: 'HARB & zyx:*!' });
    expect(bothTerms.titles.map((title) => title.id)).toEqual([fixtures.nameMatch.id]);
  });

  it('finds a title by the name of someone in its cast, ranking a title named so above it', async () => {
    for (const query of ['corrowind', 'Vellamy', 'vell corr']) {
      const { titles } = await catalog.rpc.listTitles({ query });
      expect(titles.map((title) => title.id)).toContain(fixtures.castMatch.id);
    }
    const { titles } = await catalog.rpc.listTitles({ query: 'corrowind' });
    expect(titles.map((title) => title.id)).toEqual([
      fixtures.castNameMatch.id,
      fixtures.castMatch.id,
    ]);
  });

  it('finds titles by a genre word', async () => {
    const found = await walk({ query: 'documentary' }, 100);
    expect(found.map((title) => title.id)).toContain(fixtures.castMatch.id);
    const documentaries = await walk({ genre: 'documentary' }, 100);
    expect(ids(found)).toEqual(expect.arrayContaining(ids(documentaries)));
  });

  it('ranks the title named exactly so first, then names, people, genres and the rest, each by popularity', async () => {
    const create = async (input: ReturnType<typeof aMovie>) =>
      defined((await catalog.rpc.createTitle({ title: input })).title, 'created title').id;
    const cast = (personName: string) => [
      { personName, role: CreditRole.CREDIT_ROLE_CAST, character: '' },
    ];
    // Created least relevant first, so neither creation order nor id decides the order asserted.
    const inSynopsis = await create(
      aMovie({ name: 'Low Tide', synopsis: 'A velmorant story.', popularity: 990 }),
    );
    const inCast = await create(
      aMovie({ name: 'Grey Lake', credits: cast('Velmorant Oake'), popularity: 980 }),
    );
    const inNameLessPopular = await create(aMovie({ name: 'Velmorant Falls', popularity: 5 }));
    const inNameMorePopular = await create(aMovie({ name: 'Velmorant Rising', popularity: 970 }));
    const exact = await create(aMovie({ name: 'Velmorant', popularity: 0 }));
    const expected = [exact, inNameMorePopular, inNameLessPopular, inCast, inSynopsis];

    const { titles } = await catalog.rpc.listTitles({ query: ' VELMORANT ' });
    expect(titles.map((title) => title.id)).toEqual(expected);
    // One title a page: every cursor crosses from one title, or one tier, to the next.
    expect((await walk({ query: 'velmorant' }, 1)).map((title) => title.id)).toEqual(expected);
  });

  it('lists the titles of a genre named in the query most popular first, after name and people matches', async () => {
    const found = await walk({ query: 'documentary' }, 7);
    const documentaries = await walk(
      { genre: 'documentary', sort: TitleSort.TITLE_SORT_POPULAR },
      100,
    );
    const inGenre = new Set(documentaries.map((title) => title.id));
    const genreTier = found.filter((title) => inGenre.has(title.id));
    // The demo catalog names no title and nobody after a genre: the genre's listing comes first.
    expect(found.slice(0, genreTier.length)).toEqual(genreTier);
    expect(genreTier.map((title) => title.id)).toEqual(documentaries.map((title) => title.id));
  });

  it('forgives a one-letter typo: a letter missing, wrong, added or two swapped', async () => {
    for (const typo of ['Quilmarsh', 'quillmarsk', 'quillmarshh', 'qiullmarsh', 'corowind']) {
      const { titles } = await catalog.rpc.listTitles({ query: typo });
      expect({ typo, found: titles.map((title) => title.id) }).toEqual({
        typo,
        found: expect.arrayContaining([fixtures.castMatch.id]),
      });
    }
    // A word that starts a real one is a prefix, not a typo: nothing near it is mixed in.
    const { titles } = await catalog.rpc.listTitles({ query: 'quillmar' });
    expect(titles.map((title) => title.id)).toEqual([fixtures.castMatch.id]);
  });

  it('corrects typos of words a title gained in an edit', async () => {
    const title = defined(
      (await catalog.rpc.createTitle({ title: aMovie({ name: 'Plain Name' }) })).title,
      'created title',
    );
    await catalog.rpc.patchTitle({
      id: title.id,
      expectedVersion: title.version,
      title: aMovie({ name: 'Brindlewick Hollow' }),
      updateMask: ['name'],
    });
    const { titles } = await catalog.rpc.listTitles({ query: 'brindlewik' });
    expect(titles.map((found) => found.id)).toContain(title.id);
  });

  it('pages through search results by relevance without duplicates or gaps', async () => {
    const byRelevance = await walk({ query: 'the', visibility: everyone }, 4);
    const byName = await walk(
      { query: 'the', sort: TitleSort.TITLE_SORT_NAME, visibility: everyone },
      100,
    );
    expect(byRelevance.length).toBeGreaterThan(4);
    expect(ids(byRelevance)).toEqual(ids(byName));
  });

  it('rejects a cursor that is forged, truncated or reused with other filters', async () => {
    const first = await catalog.rpc.listTitles({ limit: 5, genre: 'drama' });
    const cursor = first.nextCursor;
    const forged = cursor.slice(0, 10) + (cursor[10] === 'A' ? 'B' : 'A') + cursor.slice(11);
    for (const request of [
      { limit: 5, genre: 'drama', cursor: forged },
      { limit: 5, genre: 'drama', cursor: cursor.slice(0, -3) },
      { limit: 5, genre: 'comedy', cursor },
      { limit: 5, genre: 'drama', sort: TitleSort.TITLE_SORT_POPULAR, cursor },
      { limit: 5, genre: 'drama', visibility: everyone, cursor },
    ]) {
      const failure = await failureOf(catalog.rpc.listTitles(request));
      expect(failure.code).toBe(status.INVALID_ARGUMENT);
      expect(failure.fieldViolations.map((violation) => violation.field)).toEqual(['cursor']);
    }
    await expect(
      catalog.rpc.listTitles({ limit: 7, genre: 'drama', cursor }),
    ).resolves.toBeDefined();
  });

  it.each([
    ['a limit over 100', { limit: 101 }, 'limit'],
    ['a negative limit', { limit: -1 }, 'limit'],
    ['an unknown genre', { genre: 'no-such-genre' }, 'genre'],
    ['a query with nothing searchable', { query: '!!! ???' }, 'query'],
    ['a query over 200 characters', { query: 'a'.repeat(201) }, 'query'],
    ['the relevance sort without a query', { sort: TitleSort.TITLE_SORT_RELEVANCE }, 'sort'],
    ['a year range that ends before it starts', { yearFrom: 2010, yearTo: 2000 }, 'year_to'],
  ] as Array<[string, Partial<ListTitlesRequest>, string]>)(
    'rejects %s, naming the field',
    async (_case, request, field) => {
      const failure = await failureOf(catalog.rpc.listTitles(request));
      expect(failure.code).toBe(status.INVALID_ARGUMENT);
      expect(failure.fieldViolations.map((violation) => violation.field)).toContain(field);
    },
  );

  it('gets a title with its seasons and episodes in number order', async () => {
    const { title } = await catalog.rpc.getTitle({ id: fixtures.series.id });
    expect(title?.seasons.map((season) => season.number)).toEqual([1, 2]);
    expect(title?.seasons[1]?.episodes.map((episode) => episode.number)).toEqual([1, 2, 3, 4]);
    expect(title?.seasons[0]?.episodes.every((episode) => episode.id.length === 36)).toBe(true);
  });

  it('answers NOT_FOUND for an unknown or invisible title and INVALID_ARGUMENT for a bad id', async () => {
    for (const request of [
      { id: '00000000-0000-4000-8000-000000000000' },
      { id: fixtures.draft.id },
    ]) {
      const failure = await failureOf(catalog.rpc.getTitle(request));
      expect(failure.code).toBe(status.NOT_FOUND);
      expect(failure.errorCode).toBe('TITLE_NOT_FOUND');
    }
    await expect(
      catalog.rpc.getTitle({ id: fixtures.draft.id, visibility: everyone }),
    ).resolves.toBeDefined();
    const bad = await failureOf(catalog.rpc.getTitle({ id: 'not-a-uuid' }));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.fieldViolations.map((violation) => violation.field)).toEqual(['id']);
  });

  it('batch-gets titles in the requested order, leaving out unknown and invisible ones', async () => {
    const [a, b, c] = all
      .filter((title) => title.availability === Availability.AVAILABILITY_PUBLISHED)
      .map((title) => title.id);
    const { titles } = await catalog.rpc.batchGetTitles({
      ids: [c, a, '00000000-0000-4000-8000-000000000000', fixtures.draft.id, b].map((id) =>
        defined(id),
      ),
    });
    expect(titles.map((title) => title.id)).toEqual([c, a, b]);
    const tooMany = await failureOf(
      catalog.rpc.batchGetTitles({ ids: all.slice(0, 101).map((title) => title.id) }),
    );
    expect(tooMany.fieldViolations.map((violation) => violation.field)).toContain('ids');
  });

  it('browses new releases, popular titles, then one row per genre, showing only published playable titles', async () => {
    const { rows } = await catalog.rpc.browse({ rowLimit: 5 });
    // No views yet, so no "Trending now" row.
    expect(rows.slice(0, 2).map((row) => row.id)).toEqual(['new-releases', 'popular']);
    const genres = (await catalog.rpc.listGenres()).genres.map((genre) => `genre:${genre.slug}`);
    const genreRows = rows.slice(2).map((row) => row.id);
    expect(genreRows.length).toBeGreaterThan(0);
    expect(genreRows).toEqual(genres.filter((id) => genreRows.includes(id)));
    const browsable = all.filter(
      (title) => title.playable && title.availability === Availability.AVAILABILITY_PUBLISHED,
    );
    for (const row of rows) {
      expect(row.titles.length).toBeGreaterThan(0);
      expect(row.titles.length).toBeLessThanOrEqual(5);
      expect(
        row.titles.every(
          (title) => title.availability === Availability.AVAILABILITY_PUBLISHED && title.playable,
        ),
      ).toBe(true);
      if (row.id.startsWith('genre:')) {
        const slug = row.id.slice('genre:'.length);
        expect(row.titles.every((title) => title.genres.some((genre) => genre.slug === slug))).toBe(
          true,
        );
      }
    }
    const popular = defined(rows[1]).titles;
    expect(popular.map((title) => title.id)).toEqual(
      [...browsable]
        .sort((a, b) => b.popularity - a.popularity || (a.id < b.id ? 1 : -1))
        .slice(0, 5)
        .map((title) => title.id),
    );
    const kids = await catalog.rpc.browse({
      visibility: { maxMaturity: MaturityRating.MATURITY_RATING_ALL, includeDrafts: false },
    });
    const kidsTitles = kids.rows.flatMap((row) => row.titles);
    expect(
      kidsTitles.every((title) => title.maturityRating === MaturityRating.MATURITY_RATING_ALL),
    ).toBe(true);
    const failure = await failureOf(catalog.rpc.browse({ rowLimit: 51 }));
    expect(failure.fieldViolations.map((violation) => violation.field)).toEqual(['row_limit']);
  });

  it('keeps drafts out of Browse even for callers who may see drafts', async () => {
    const playableDrafts = all.filter(
      (title) => title.playable && title.availability === Availability.AVAILABILITY_DRAFT,
    );
    expect(playableDrafts.length).toBeGreaterThan(0);
    const { rows } = await catalog.rpc.browse({ rowLimit: 50, visibility: everyone });
    const shown = new Set(rows.flatMap((row) => row.titles.map((title) => title.id)));
    expect(playableDrafts.filter((title) => shown.has(title.id))).toEqual([]);
  });

  // Needs a second connection to write while Browse reads: a PostgreSQL server (CI sets one).
  const onServer = process.env['TEST_DATABASE_URL'] ? it : it.skip;
  onServer('reads every Browse row from one snapshot, whatever commits meanwhile', async () => {
    const reads = catalog.running.app.get(TitlesReadRepository);
    const late = defined(
      all.find(
        (title) => !title.playable && title.availability === Availability.AVAILABILITY_PUBLISHED,
      ),
      'a published title without a video',
    );
    const writer = new Client({ connectionString: catalog.database.url });
    await writer.connect();
    const top = reads.top.bind(reads);
    // After the first row's query, another client makes the title the most popular browsable one.
    const spy = jest.spyOn(reads, 'top').mockImplementationOnce(async (...args) => {
      await writer.query('UPDATE titles SET playable = true, popularity = 1e9 WHERE id = $1', [
        late.id,
      ]);
      return top(...args);
    });
    try {
      const during = await catalog.rpc.browse({ rowLimit: 5 });
      const after = await catalog.rpc.browse({ rowLimit: 5 });
      const rowsWith = (rows: typeof during.rows) =>
        rows.filter((row) => row.titles.some((title) => title.id === late.id)).map((row) => row.id);
      expect(rowsWith(during.rows)).toEqual([]);
      expect(rowsWith(after.rows)).toContain('popular');
      expect(rowsWith(after.rows).some((id) => id.startsWith('genre:'))).toBe(true);
    } finally {
      spy.mockRestore();
      await writer.query('UPDATE titles SET playable = false, popularity = $2 WHERE id = $1', [
        late.id,
        late.popularity,
      ]);
      await writer.end();
    }
  });
});
