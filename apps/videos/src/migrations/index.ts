import { MESSAGING_MIGRATIONS } from '@kinema/platform';
import { CreateVideosSchema1764000000000 } from './1764000000000-create-videos-schema';

/** Every videos migration, oldest first. */
export const videosMigrations = [...MESSAGING_MIGRATIONS, CreateVideosSchema1764000000000];
