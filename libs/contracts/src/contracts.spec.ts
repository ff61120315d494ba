import { ALL_TOPICS, deadLetterTopic, TOPICS } from './events';
import {
  catalogPackageDefinition,
  GRPC_SERVICES,
  usersPackageDefinition,
  videosPackageDefinition,
} from './grpc';
import { ErrorInfo } from './generated/kinema/errors/v1/errors';
import { Role } from './generated/kinema/users/v1/account';
import { ACCOUNT_ROLES, accountRoleOf } from './rules';

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

  it('names every account role of the gRPC contract, and reads one it does not know as the least', () => {
    const named = Object.values(Role).filter(
      (role) => role !== Role.ROLE_UNSPECIFIED && role !== Role.UNRECOGNIZED,
    );
    expect(ACCOUNT_ROLES.values.map(ACCOUNT_ROLES.toProto).sort()).toEqual(named.sort());
    for (const name of ACCOUNT_ROLES.values) {
      expect(accountRoleOf(ACCOUNT_ROLES.toProto(name))).toBe(name);
    }
    expect(accountRoleOf(Role.ROLE_UNSPECIFIED)).toBe('viewer');
    expect(accountRoleOf(Role.UNRECOGNIZED)).toBe('viewer');
  });

  it('round-trips the ErrorInfo trailer', () => {
    const info = {
      code: 'VALIDATION_FAILED',
      fieldViolations: [{ field: 'title.slug', description: 'is taken' }],
    };
    expect(ErrorInfo.decode(ErrorInfo.encode(info).finish())).toEqual(info);
  });
});
