import { pgliteCliDatabases } from './pglite-cli-options';

describe("the PGlite CLI's databases", () => {
  it('serve one in-memory database on the default port as postgres when nothing is named', () => {
    expect(pgliteCliDatabases({})).toEqual([
      {
        listener: 'postgres',
        port: 15431,
        dataDir: undefined,
        names: { user: 'postgres', database: 'postgres' },
      },
    ]);
  });

  it('pair the n-th of each option with the n-th --port', () => {
    const databases = pgliteCliDatabases({
      listener: ['postgres-catalog', 'postgres-users'],
      port: ['15431', '0'],
      'data-dir': ['/data/catalog', '/data/users'],
    });
    expect(databases.map((d) => [d.listener, d.port, d.dataDir])).toEqual([
      ['postgres-catalog', 15431, '/data/catalog'],
      ['postgres-users', 0, '/data/users'],
    ]);
  });

  it('refuse an option given neither once per database nor never, and listeners that clash', () => {
    expect(() => pgliteCliDatabases({ port: ['1', '2'], listener: ['postgres-a'] })).toThrow(
      '--listener is given 1 times for 2 databases',
    );
    expect(() => pgliteCliDatabases({ port: ['1', '2'] })).toThrow('need a --listener each');
    expect(() =>
      pgliteCliDatabases({ port: ['1', '2'], listener: ['postgres-a', 'postgres-a'] }),
    ).toThrow('each --listener must be named once');
    expect(() => pgliteCliDatabases({ listener: ['catalog'] })).toThrow(
      '--listener must be postgres or postgres-<name>',
    );
  });
});
