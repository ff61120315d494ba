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
import { callUnary } from '@kinema/platform/grpc';
import { createHash } from 'node:crypto';
import { CatalogCache } from '../cache/catalog-cache';
import { browseScope, changeOfTitle } from '../cache/cache-scope';
import type { TitleChange } from '../cache/title-change';

export const CATALOG_GRPC_CLIENT = Symbol('CATALOG_GRPC_CLIENT');

/** A cache key per method and request: the request carries the visibility (maturity ceiling). */
function cacheKey(method: string, request: unknown): string {
  return `${method}:${createHash('sha1').update(JSON.stringify(request)).digest('base64url')}`;
}

/**
 * Promise-returning face of the catalog's gRPC client (deadlines, hedging and LB live in the
 * client). Reads go through the catalog cache; a write through this replica drops what it changed
 * at once, so the writer sees its change without waiting for the event that drops it everywhere.
 */
@Injectable()
export class CatalogClient implements OnModuleDestroy {
  constructor(
    @Inject(CATALOG_GRPC_CLIENT) private readonly client: CatalogServiceClient,
    private readonly cache: CatalogCache,
  ) {}

  /** Not cached here: the titles endpoint caches the page it sends (its representation). */
  listTitles(request: ListTitlesRequest): Promise<ListTitlesResponse> {
    return callUnary(this.client, this.client.listTitles, request);
  }
  getTitle(request: GetTitleRequest): Promise<GetTitleResponse> {
    return this.cache.read(
      cacheKey('getTitle', request),
      () => callUnary(this.client, this.client.getTitle, request),
      () => ({ kind: 'title', titleId: request.id }),
    );
  }
  batchGetTitles(request: BatchGetTitlesRequest): Promise<BatchGetTitlesResponse> {
    return this.cache.read(
      cacheKey('batchGetTitles', request),
      () => callUnary(this.client, this.client.batchGetTitles, request),
      () => ({ kind: 'titles', titleIds: request.ids }),
    );
  }
  createTitle(request: CreateTitleRequest): Promise<CreateTitleResponse> {
    return this.write(
      () => callUnary(this.client, this.client.createTitle, request),
      (response) => response.title && changeOfTitle(response.title),
    );
  }
  updateTitle(request: UpdateTitleRequest): Promise<UpdateTitleResponse> {
    return this.write(
      () => callUnary(this.client, this.client.updateTitle, request),
      (response) => response.title && changeOfTitle(response.title),
    );
  }
  patchTitle(request: PatchTitleRequest): Promise<PatchTitleResponse> {
    return this.write(
      () => callUnary(this.client, this.client.patchTitle, request),
      (response) => response.title && changeOfTitle(response.title),
    );
  }
  deleteTitle(request: DeleteTitleRequest): Promise<DeleteTitleResponse> {
    return this.write(
      () => callUnary(this.client, this.client.deleteTitle, request),
      () => ({ titleId: request.id }),
    );
  }
  listGenres(): Promise<ListGenresResponse> {
    return this.cache.read(
      'listGenres',
      () => callUnary(this.client, this.client.listGenres, {}),
      () => ({ kind: 'vocabulary' }),
    );
  }
  browse(request: BrowseRequest): Promise<BrowseResponse> {
    return this.cache.read(
      cacheKey('browse', request),
      () => callUnary(this.client, this.client.browse, request),
      (response) => browseScope(request.visibility, response.rows),
    );
  }

  /** A write, then what it changed is dropped from the cache (everything if that is unknown). */
  private async write<T>(
    call: () => Promise<T>,
    changeOf: (response: T) => TitleChange | undefined,
  ): Promise<T> {
    const result = await call();
    await this.cache.invalidate(changeOf(result)).catch(() => undefined);
    return result;
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}
