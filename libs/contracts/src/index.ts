export * from './generated/kinema/catalog/v1/title';
export * from './generated/kinema/catalog/v1/catalog_service';
export * from './generated/kinema/errors/v1/errors';
export * from './generated/kinema/users/v1/account';
export * from './generated/kinema/users/v1/profile';
export * from './generated/kinema/users/v1/users_service';
export * from './grpc';
export * from './events';
