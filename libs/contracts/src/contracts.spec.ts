import { ALL_TOPICS, deadLetterTopic, TOPICS } from './events';
import {
  catalogPackageDefinition,
  GRPC_SERVICES,
  usersPackageDefinition,
  videosPackageDefinition,
} from './grpc';
import { ErrorInfo } from './generated/kinema/errors/v1/errors';

describe('contracts', () => {
  it('names every topic once, each with a .dlq twin', () => {
    expect(new Set(ALL_TOPICS).size).toBe(Object.keys(TOPICS).length);
    expect(deadLetterTopic(TOPICS.catalogTitles)).toBe('catalog.titles.v1.dlq');
  });

  it('routes every RPC of a package definition under its fully qualified service name', () => {
    for (const [name, definition] of [
      [GRPC_SERVICES.catalog, catalogPackageDefinition[GRPC_SERVICES.catalog]],
      [GRPC_SERVICES.users, usersPackageDefinition[GRPC_SERVICES.users]],
      [GRPC_SERVICES.videos, videosPackageDefinition[GRPC_SERVICES.videos]],
    ] as const) {
      const paths = Object.values(definition).map((method) => method.path);
      expect(paths.length).toBeGreaterThan(0);
      expect(paths.every((path) => path.startsWith(`/${name}/`))).toBe(true);
    }
  });

  it('round-trips the ErrorInfo trailer', () => {
    const info = {
      code: 'VALIDATION_FAILED',
      fieldViolations: [{ field: 'title.slug', description: 'is taken' }],
    };
    expect(ErrorInfo.decode(ErrorInfo.encode(info).finish())).toEqual(info);
  });
});
