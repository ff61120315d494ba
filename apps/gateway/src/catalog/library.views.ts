import { ApiProperty } from '@nestjs/swagger';
import { TitleView } from './title.view';

export class MyListItemView {
  @ApiProperty({ type: TitleView }) title!: TitleView;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
}

export class MyListPageView {
  @ApiProperty({ type: [MyListItemView] }) items!: MyListItemView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor`; null on the last page.',
  })
  nextCursor!: string | null;
}

export class ProgressView {
  @ApiProperty({ format: 'uuid' }) titleId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) episodeId!: string | null;
  @ApiProperty({ type: 'integer' }) positionSeconds!: number;
  @ApiProperty({ type: 'integer' }) durationSeconds!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ContinueWatchingItemView {
  @ApiProperty({ type: TitleView }) title!: TitleView;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) episodeId!: string | null;
  @ApiProperty({ type: 'integer' }) positionSeconds!: number;
  @ApiProperty({ type: 'integer' }) durationSeconds!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ContinueWatchingView {
  @ApiProperty({ type: [ContinueWatchingItemView] }) items!: ContinueWatchingItemView[];
}
