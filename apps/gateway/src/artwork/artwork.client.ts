import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  ArtworkKind,
  ArtworkServiceClient,
  type ArtworkKindName,
  type GetArtworkResponse,
  type PutArtworkResponse,
} from '@kinema/contracts';
import { callUnary } from '@kinema/platform/grpc';

export const ARTWORK_GRPC_CLIENT = Symbol('ARTWORK_GRPC_CLIENT');

const KINDS: Record<ArtworkKindName, ArtworkKind> = {
  poster: ArtworkKind.ARTWORK_KIND_POSTER,
  backdrop: ArtworkKind.ARTWORK_KIND_BACKDROP,
};

/** Promise-returning face of the videos service's ArtworkService client. */
@Injectable()
export class ArtworkClient implements OnModuleDestroy {
  constructor(@Inject(ARTWORK_GRPC_CLIENT) private readonly client: ArtworkServiceClient) {}

  put(kind: ArtworkKindName, contentType: string, image: Buffer): Promise<PutArtworkResponse> {
    return callUnary(this.client, this.client.putArtwork, {
      kind: KINDS[kind],
      contentType,
      image,
    });
  }

  get(key: string, width: number): Promise<GetArtworkResponse> {
    return callUnary(this.client, this.client.getArtwork, { key, width });
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}
