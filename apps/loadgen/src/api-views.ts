// The parts of the gateway's answers the simulated clients read (the OpenAPI document at
// /docs/openapi.json has them whole).

import type { TitleTypeName } from '@kinema/contracts';

export interface TokensView {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
}

export interface SignInView {
  tokens: TokensView;
}

export interface ProfileView {
  id: string;
  name: string;
}

export interface EpisodeView {
  id: string;
  number: number;
  runtimeMinutes: number;
  playable: boolean;
}

export interface TitleView {
  id: string;
  name: string;
  type: TitleTypeName;
  runtimeMinutes: number;
  playable: boolean;
  /** Only on GET /titles/{id}. */
  seasons?: Array<{ number: number; episodes: EpisodeView[] }>;
}

export interface ListView<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface BrowseView {
  rows: Array<{ id: string; items: TitleView[] }>;
}

export interface PlaybackGrantView {
  streamUrl: string;
  sizeBytes: number;
  durationSeconds: number;
}
