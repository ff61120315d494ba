import type {
  GetArtworkRequest,
  GetArtworkResponse,
  PutArtworkRequest,
  PutArtworkResponse,
} from '@kinema/contracts';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ArtworkService } from './artwork.service';

/** The name NestJS matches the ArtworkService handlers against (see VIDEOS_GRPC_SERVICE). */
const ARTWORK_GRPC_SERVICE = 'ArtworkService';

/** ArtworkService calls: transport only, the rules live in ArtworkService. */
@Controller()
export class ArtworkGrpcController {
  constructor(private readonly artwork: ArtworkService) {}

  @GrpcMethod(ARTWORK_GRPC_SERVICE, 'putArtwork')
  putArtwork(request: PutArtworkRequest): Promise<PutArtworkResponse> {
    return this.artwork.put(request);
  }

  @GrpcMethod(ARTWORK_GRPC_SERVICE, 'getArtwork')
  getArtwork(request: GetArtworkRequest): Promise<GetArtworkResponse> {
    return this.artwork.get(request.key, request.width);
  }
}
