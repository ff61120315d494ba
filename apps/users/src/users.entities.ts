import { MESSAGING_ENTITIES } from '@kinema/platform';
import { AccountEntity } from './accounts/account.entity';
import { MyListItemEntity, PlaybackProgressEntity } from './library/library.entities';
import { ProfileEntity } from './profiles/profile.entity';
import { RefreshTokenEntity, SessionEntity } from './tokens/session.entity';

/** Every table the users service maps, including the transactional outbox. */
export const usersEntities = [
  AccountEntity,
  SessionEntity,
  RefreshTokenEntity,
  ProfileEntity,
  MyListItemEntity,
  PlaybackProgressEntity,
  ...MESSAGING_ENTITIES,
];
