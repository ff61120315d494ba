import {
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
  type Relation,
} from 'typeorm';
import { SeasonEntity } from './season.entity';

@Entity({ name: 'episodes' })
@Unique('episodes_season_number_key', ['seasonId', 'number'])
export class EpisodeEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'season_id', type: 'uuid' })
  seasonId!: string;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  synopsis!: string;

  @Column({ name: 'runtime_minutes', type: 'smallint' })
  runtimeMinutes!: number;

  @Column({ type: 'boolean', default: false })
  playable!: boolean;

  /** The episode's current video, whose VideoFailed alone may clear it. */
  @Column({ name: 'video_id', type: 'text', nullable: true })
  videoId!: string | null;

  @Column({ name: 'duration_seconds', type: 'integer', default: 0 })
  durationSeconds!: number;

  @ManyToOne(() => SeasonEntity, (season) => season.episodes, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'season_id' })
  season?: Relation<SeasonEntity>;
}
