import type { components } from './generated/schema';

type Schemas = components['schemas'];

export type Title = Schemas['TitleView'];
export type Season = Schemas['SeasonView'];
export type Episode = Schemas['EpisodeView'];
export type Profile = Schemas['ProfileView'];
export type Account = Schemas['AccountView'];
export type Tokens = Schemas['TokensView'];
export type Problem = Schemas['ProblemView'];
export type BrowseRow = Schemas['BrowseRowView'];
export type ContinueWatchingItem = Schemas['ContinueWatchingItemView'];
export type Maturity = Title['maturityRating'];
export type GenreSlug = Schemas['GenreView']['slug'];
export type TitleType = Title['type'];
export type CreateProfileBody = Schemas['CreateProfileBody'];
