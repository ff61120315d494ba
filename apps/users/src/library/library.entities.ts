import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'my_list_items' })
export class MyListItemEntity {
  @PrimaryColumn({ name: 'profile_id', type: 'uuid' })
  profileId!: string;

  @PrimaryColumn({ name: 'title_id', type: 'uuid' })
  titleId!: string;

  /** Identity value: the newest-first order and the keyset cursor, exact where timestamps may tie. */
  @Column({ type: 'bigint' })
  position!: string;

  @Column({ name: 'added_at', type: 'timestamptz' })
  addedAt!: Date;
}

@Entity({ name: 'playback_progress' })
export class PlaybackProgressEntity {
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'profile_id', type: 'uuid' })
  profileId!: string;

  @Column({ name: 'title_id', type: 'uuid' })
  titleId!: string;

  @Column({ name: 'episode_id', type: 'uuid', nullable: true })
  episodeId!: string | null;

  @Column({ name: 'position_seconds', type: 'integer' })
  positionSeconds!: number;

  @Column({ name: 'duration_seconds', type: 'integer' })
  durationSeconds!: number;

  /** Taken from a sequence on every report: orders "most recent first" without timestamp ties. */
  @Column({ name: 'report_sequence', type: 'bigint' })
  reportSequence!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
