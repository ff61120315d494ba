import {
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  Unique,
  type Relation,
} from 'typeorm';
import { EpisodeEntity } from './episode.entity';
import { TitleEntity } from './title.entity';

@Entity({ name: 'seasons' })
@Unique('seasons_title_number_key', ['titleId', 'number'])
export class SeasonEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'title_id', type: 'uuid' })
  titleId!: string;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'text' })
  name!: string;

  /** 0 when unknown. */
  @Column({ name: 'release_year', type: 'smallint' })
  releaseYear!: number;

  @ManyToOne(() => TitleEntity, (title) => title.seasons, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'title_id' })
  title?: Relation<TitleEntity>;

  @OneToMany(() => EpisodeEntity, (episode) => episode.season)
  episodes?: Relation<EpisodeEntity[]>;
}
