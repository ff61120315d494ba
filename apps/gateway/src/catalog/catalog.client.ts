import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  CatalogServiceClient,
  type BatchGetTitlesRequest,
  type BatchGetTitlesResponse,
  type BrowseRequest,
  type BrowseResponse,
  type CreateTitleRequest,
  type CreateTitleResponse,
  type DeleteTitleRequest,
  type DeleteTitleResponse,
  type GetTitleRequest,
  type GetTitleResponse,
  type ListGenresResponse,
  type ListTitlesRequest,
  type ListTitlesResponse,
  type PatchTitleRequest,
  type PatchTitleResponse,
  type UpdateTitleRequest,
  type UpdateTitleResponse,
} from '@kinema/contracts';
import { Metadata, type CallOptions, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';

export const CATALOG_GRPC_CLIENT = Symbol('CATALOG_GRPC_CLIENT');

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

function unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, new Metadata(), {}, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

/** Promise-returning face of the catalog's gRPC client (deadlines, retries and LB live in the client). */
@Injectable()
export class CatalogClient implements OnModuleDestroy {
  constructor(@Inject(CATALOG_GRPC_CLIENT) private readonly client: CatalogServiceClient) {}

  listTitles(request: ListTitlesRequest): Promise<ListTitlesResponse> {
    return unary(this.client.listTitles.bind(this.client), request);
  }
  getTitle(request: GetTitleRequest): Promise<GetTitleResponse> {
    return unary(this.client.getTitle.bind(this.client), request);
  }
  batchGetTitles(request: BatchGetTitlesRequest): Promise<BatchGetTitlesResponse> {
    return unary(this.client.batchGetTitles.bind(this.client), request);
  }
  createTitle(request: CreateTitleRequest): Promise<CreateTitleResponse> {
    return unary(this.client.createTitle.bind(this.client), request);
  }
  updateTitle(request: UpdateTitleRequest): Promise<UpdateTitleResponse> {
    return unary(this.client.updateTitle.bind(this.client), request);
  }
  patchTitle(request: PatchTitleRequest): Promise<PatchTitleResponse> {
    return unary(this.client.patchTitle.bind(this.client), request);
  }
  deleteTitle(request: DeleteTitleRequest): Promise<DeleteTitleResponse> {
    return unary(this.client.deleteTitle.bind(this.client), request);
  }
  listGenres(): Promise<ListGenresResponse> {
    return unary(this.client.listGenres.bind(this.client), {});
  }
  browse(request: BrowseRequest): Promise<BrowseResponse> {
    return unary(this.client.browse.bind(this.client), request);
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}
