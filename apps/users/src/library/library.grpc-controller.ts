import type {
  AddToMyListRequest,
  AddToMyListResponse,
  ListContinueWatchingRequest,
  ListContinueWatchingResponse,
  ListMyListRequest,
  ListMyListResponse,
  RemoveFromMyListRequest,
  RemoveFromMyListResponse,
  ReportProgressRequest,
  ReportProgressResponse,
} from '@kinema/contracts';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { USERS_GRPC_SERVICE } from '../users.constants';
import { MyListService } from './my-list.service';
import { PlaybackService } from './playback.service';

/** My List and playback-progress RPCs of kinema.users.v1.UsersService: transport only. */
@Controller()
export class LibraryGrpcController {
  constructor(
    private readonly myList: MyListService,
    private readonly playback: PlaybackService,
  ) {}

  @GrpcMethod(USERS_GRPC_SERVICE, 'addToMyList')
  async addToMyList(request: AddToMyListRequest): Promise<AddToMyListResponse> {
    return { item: await this.myList.add(request) };
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'removeFromMyList')
  async removeFromMyList(request: RemoveFromMyListRequest): Promise<RemoveFromMyListResponse> {
    await this.myList.remove(request);
    return {};
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'listMyList')
  listMyList(request: ListMyListRequest): Promise<ListMyListResponse> {
    return this.myList.list(request);
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'reportProgress')
  async reportProgress(request: ReportProgressRequest): Promise<ReportProgressResponse> {
    return { progress: await this.playback.report(request) };
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'listContinueWatching')
  async listContinueWatching(
    request: ListContinueWatchingRequest,
  ): Promise<ListContinueWatchingResponse> {
    return { items: await this.playback.continueWatching(request) };
  }
}
