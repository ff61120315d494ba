import { Module } from '@nestjs/common';
import { ArtworkServiceClient, GRPC_SERVICES } from '@kinema/contracts';
import { createGrpcClient } from '@kinema/platform/grpc';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ARTWORK_GRPC_CLIENT, ArtworkClient } from './artwork.client';
import { ArtworkController } from './artwork.controller';

/** Posters and backdrops, stored and served by the videos service (it owns the object store). */
@Module({
  controllers: [ArtworkController],
  providers: [
    {
      provide: ARTWORK_GRPC_CLIENT,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        createGrpcClient(ArtworkServiceClient, {
          target: config.VIDEOS_GRPC_TARGET,
          service: GRPC_SERVICES.artwork,
          // Reads only (hedged): a PutArtwork sent twice would be harmless (same bytes, same key)
          // but resends up to 3 MiB.
          idempotentMethods: ['GetArtwork'],
          deadlineMs: config.GRPC_DEADLINE_MS,
        }),
    },
    ArtworkClient,
  ],
})
export class ArtworkModule {}
