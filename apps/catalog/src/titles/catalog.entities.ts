import { CreditEntity } from './credit.entity';
import { EpisodeEntity } from './episode.entity';
import { GenreEntity } from './genre.entity';
import { SeasonEntity } from './season.entity';
import { TitleEntity } from './title.entity';
import {
  TitleTrendingEntity,
  TitleViewEntity,
  TrendingWindowEntity,
} from '../trending/trending.entities';

export const catalogEntities = [
  TitleEntity,
  GenreEntity,
  CreditEntity,
  SeasonEntity,
  EpisodeEntity,
  TitleViewEntity,
  TitleTrendingEntity,
  TrendingWindowEntity,
];
