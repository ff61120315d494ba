import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AccountRole } from './account.model';

@Entity({ name: 'accounts' })
export class AccountEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Normalised (trimmed, lower-cased), so the unique constraint is case-insensitive. */
  @Column({ type: 'text', unique: true })
  email!: string;

  /** argon2id PHC string; it records its own parameters. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text' })
  role!: AccountRole;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
