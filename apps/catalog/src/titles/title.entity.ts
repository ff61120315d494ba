import {
  Column,
  CreateDateColumn,
  Entity,
  JoinTable,
  ManyToMany,
  OneToMany,
  PrimaryColumn,
  type Relation,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { CreditEntity } from './credit.entity';
import { GenreEntity } from './genre.entity';
import { SeasonEntity } from './season.entity';
import type { StoredAvailability, StoredMaturity, StoredTitleType } from './title.model';

// The table also has two stored generated columns that only SQL reads, so they are not mapped:
// `sort_name` (lower(name), the NAME sort key) and `search_vector` (the full-text document).
@Entity({ name: 'titles' })
export class TitleEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text', unique: true })
  slug!: string;

  @Column({ type: 'text' })
  type!: StoredTitleType;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  synopsis!: string;

  @Column({ name: 'release_year', type: 'smallint' })
  releaseYear!: number;

  @Column({ name: 'runtime_minutes', type: 'smallint' })
  runtimeMinutes!: number;

  @Column({ type: 'smallint' })
  maturity!: StoredMaturity;

  @Column({ name: 'poster_key', type: 'text' })
  posterKey!: string;

  @Column({ name: 'backdrop_key', type: 'text' })
  backdropKey!: string;

  @Column({ type: 'text' })
  availability!: StoredAvailability;

  /**
   * Set by the video events consumer, never by TitleInput: a ready video of the title itself
   * or, for a series, of at least one episode.
   */
  @Column({ type: 'boolean', default: false })
  playable!: boolean;

  /** The title's own current video (a movie's), whose VideoFailed alone may clear it. */
  @Column({ name: 'video_id', type: 'text', nullable: true })
  videoId!: string | null;

  @Column({ name: 'duration_seconds', type: 'integer', default: 0 })
  durationSeconds!: number;

  @Column({ type: 'double precision' })
  popularity!: number;

  @VersionColumn({ type: 'integer' })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @ManyToMany(() => GenreEntity)
  @JoinTable({
    name: 'title_genres',
    joinColumn: { name: 'title_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'genre_id', referencedColumnName: 'id' },
  })
  genres?: Relation<GenreEntity[]>;

  @OneToMany(() => CreditEntity, (credit) => credit.title)
  credits?: Relation<CreditEntity[]>;

  @OneToMany(() => SeasonEntity, (season) => season.title)
  seasons?: Relation<SeasonEntity[]>;
}
