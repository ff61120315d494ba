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

  /** Set when a video becomes ready (a later event consumer), never by TitleInput. */
  @Column({ type: 'boolean', default: false })
  playable!: boolean;

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
