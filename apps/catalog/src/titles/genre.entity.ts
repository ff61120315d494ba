import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The fixed set of genres, created by a migration. */
@Entity({ name: 'genres' })
export class GenreEntity {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ type: 'text', unique: true })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Display order of genres and of their browse rows. */
  @Column({ type: 'smallint' })
  position!: number;
}
