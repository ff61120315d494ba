import type {
  BatchGetTitlesRequest,
  BatchGetTitlesResponse,
  BrowseRequest,
  BrowseResponse,
  CreateTitleRequest,
  CreateTitleResponse,
  DeleteTitleRequest,
  DeleteTitleResponse,
  GetTitleRequest,
  GetTitleResponse,
  ListGenresRequest,
  ListGenresResponse,
  ListTitlesRequest,
  ListTitlesResponse,
  PatchTitleRequest,
  PatchTitleResponse,
  UpdateTitleRequest,
  UpdateTitleResponse,
} from '@kinema/contracts';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { TitlesService } from './titles.service';

// Method names are the camelCase keys of ts-proto's grpc-js service definition, which is what
// NestJS matches handlers against (not the PascalCase names of the .proto).
const SERVICE = 'CatalogService';

/** kinema.catalog.v1.CatalogService: transport only, the rules live in TitlesService. */
@Controller()
export class TitlesGrpcController {
  constructor(private readonly titles: TitlesService) {}

  @GrpcMethod(SERVICE, 'listTitles')
  listTitles(request: ListTitlesRequest): Promise<ListTitlesResponse> {
    return this.titles.listTitles(request);
  }

  @GrpcMethod(SERVICE, 'getTitle')
  async getTitle(request: GetTitleRequest): Promise<GetTitleResponse> {
    return { title: await this.titles.getTitle(request) };
  }

  @GrpcMethod(SERVICE, 'batchGetTitles')
  async batchGetTitles(request: BatchGetTitlesRequest): Promise<BatchGetTitlesResponse> {
    return { titles: await this.titles.batchGetTitles(request) };
  }

  @GrpcMethod(SERVICE, 'createTitle')
  async createTitle(request: CreateTitleRequest): Promise<CreateTitleResponse> {
    return { title: await this.titles.createTitle(request.title) };
  }

  @GrpcMethod(SERVICE, 'updateTitle')
  async updateTitle(request: UpdateTitleRequest): Promise<UpdateTitleResponse> {
    return { title: await this.titles.updateTitle(request) };
  }

  @GrpcMethod(SERVICE, 'patchTitle')
  async patchTitle(request: PatchTitleRequest): Promise<PatchTitleResponse> {
    return { title: await this.titles.patchTitle(request) };
  }

  @GrpcMethod(SERVICE, 'deleteTitle')
  async deleteTitle(request: DeleteTitleRequest): Promise<DeleteTitleResponse> {
    await this.titles.deleteTitle(request);
    return {};
  }

  @GrpcMethod(SERVICE, 'listGenres')
  async listGenres(_request: ListGenresRequest): Promise<ListGenresResponse> {
    return { genres: await this.titles.listGenres() };
  }

  @GrpcMethod(SERVICE, 'browse')
  async browse(request: BrowseRequest): Promise<BrowseResponse> {
    return { rows: await this.titles.browse(request) };
  }
}
