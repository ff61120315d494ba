import './instrumentation';
import { runService } from '@kinema/platform';
import { configSchema } from './config';
import { startCatalog } from './catalog.bootstrap';

runService('catalog', configSchema, startCatalog);
