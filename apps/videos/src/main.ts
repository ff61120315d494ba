import './instrumentation';
import { runService } from '@kinema/platform';
import { configSchema } from './config';
import { startVideos } from './videos.bootstrap';

runService('videos', configSchema, startVideos);
