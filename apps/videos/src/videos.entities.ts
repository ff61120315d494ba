import { MESSAGING_ENTITIES } from '@kinema/platform';
import { VideoEntity } from './videos/video.entity';

/** Every table the videos service maps, including the transactional outbox. */
export const videosEntities = [VideoEntity, ...MESSAGING_ENTITIES];
