import type { DataSource } from 'typeorm';
import { MAX_NAMED_STATEMENTS, PreparedQueries } from './prepared-query';

/** A data source whose pool records the query configs it is sent. */
function recordingDataSource(): {
  dataSource: DataSource;
  sent: Array<{ name?: string; text: string }>;
} {
  const sent: Array<{ name?: string; text: string }> = [];
  const master = {
    query: async (config: { name?: string; text: string }) => {
      sent.push(config);
      return { rows: [] };
    },
  };
  return { dataSource: { driver: { master } } as unknown as DataSource, sent };
}

describe('PreparedQueries', () => {
  it('names a statement by its text, the same in every process', async () => {
    const first = recordingDataSource();
    const second = recordingDataSource();
    await new PreparedQueries(first.dataSource).rows('SELECT $1::int', [1]);
    await new PreparedQueries(first.dataSource).rows('SELECT $1::text', ['a']);
    await new PreparedQueries(second.dataSource).rows('SELECT $1::int', [2]);
    const [int, text] = first.sent;
    expect(int?.name).toMatch(/^kinema_[\w-]+$/);
    expect(int?.name?.length).toBeLessThan(64);
    expect(second.sent[0]?.name).toBe(int?.name);
    expect(text?.name).not.toBe(int?.name);
  });

  it(`runs texts past the first ${MAX_NAMED_STATEMENTS} unnamed, so prepared statements stay bounded`, async () => {
    const { dataSource, sent } = recordingDataSource();
    const queries = new PreparedQueries(dataSource);
    for (let n = 0; n <= MAX_NAMED_STATEMENTS; n++) await queries.rows(`SELECT ${n}`, []);
    await queries.rows('SELECT 0', []);
    expect(sent.filter((config) => config.name !== undefined)).toHaveLength(
      MAX_NAMED_STATEMENTS + 1,
    );
    expect(sent[MAX_NAMED_STATEMENTS]?.name).toBeUndefined();
  });
});
