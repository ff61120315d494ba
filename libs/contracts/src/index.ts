export * from './generated/kinema/catalog/v1/title';
export * from './generated/kinema/catalog/v1/catalog_service';
export * from './generated/kinema/errors/v1/errors';
export * from './grpc';
export * from './events';
