import { Column, Entity, PrimaryColumn } from 'typeorm';

// Mapped for the schema's sake; the trending repository reads and writes them in SQL.

/** One profile having watched one title on one UTC day; the key absorbs repeats. */
@Entity({ name: 'title_views' })
export class TitleViewEntity {
  @PrimaryColumn({ name: 'title_id', type: 'uuid' })
  titleId!: string;

  @PrimaryColumn({ name: 'profile_id', type: 'uuid' })
  profileId!: string;

  @PrimaryColumn({ type: 'date' })
  day!: string;
}

/** A title's views inside the trending window. */
@Entity({ name: 'title_trending' })
export class TitleTrendingEntity {
  @PrimaryColumn({ name: 'title_id', type: 'uuid' })
  titleId!: string;

  @Column({ type: 'integer', default: 0 })
  score!: number;
}

/** The single row holding the first day of the trending window. */
@Entity({ name: 'trending_window' })
export class TrendingWindowEntity {
  @PrimaryColumn({ type: 'boolean', default: true })
  singleton!: boolean;

  @Column({ name: 'first_day', type: 'date' })
  firstDay!: string;
}
