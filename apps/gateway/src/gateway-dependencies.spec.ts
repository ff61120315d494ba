import { packagesLoadedBy } from '@kinema/dev-infra';

// The gateway has no database: the process must not load TypeORM or the PostgreSQL driver (each
// costs start-up time and resident memory), which a platform import from the barrel instead of
// an entry point (e.g. `@kinema/platform/ops`) would bring in.
const DATABASE_PACKAGES = ['typeorm', '@nestjs/typeorm', 'pg'];

describe('the gateway process', () => {
  it('loads no database package: nothing the gateway app imports needs one', () => {
    // What main.ts starts (main.ts itself would start it): its configuration and every module.
    const { loaded, failure } = packagesLoadedBy(jest, DATABASE_PACKAGES, () => {
      require('./config');
      require('./gateway.bootstrap');
    });
    expect(loaded).toEqual([]);
    expect(failure).toBeUndefined();
  });
});
