/** Injection token of the validated UsersConfig. */
export const USERS_CONFIG = Symbol('USERS_CONFIG');

// Advisory-lock keys: fixed per service so replicas of the users service (and only they) contend.
export const USERS_MIGRATION_LOCK_KEY = 0x6b_75_73_01;

/** CloudEvents `source` of everything this service publishes. */
export const USERS_EVENT_SOURCE = '/kinema/users';

// The name NestJS matches @GrpcMethod handlers against: the service's key in the generated
// grpc-js definition, with camelCase method names.
export const USERS_GRPC_SERVICE = 'UsersService';
