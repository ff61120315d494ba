import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { StoredCreditRole } from './title.model';
import { TitleEntity } from './title.entity';

/** One credit of a title; `position` keeps the editor's order (billing order). */
@Entity({ name: 'credits' })
export class CreditEntity {
  @PrimaryColumn({ name: 'title_id', type: 'uuid' })
  titleId!: string;

  @PrimaryColumn({ type: 'smallint' })
  position!: number;

  @Column({ name: 'person_name', type: 'text' })
  personName!: string;

  @Column({ type: 'text' })
  role!: StoredCreditRole;

  @Column({ type: 'text' })
  character!: string;

  @ManyToOne(() => TitleEntity, (title) => title.credits, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'title_id' })
  title?: Relation<TitleEntity>;
}
