import { runService } from '@kinema/platform';
import { configSchema } from './config';
import { startGateway } from './gateway.bootstrap';

runService('gateway', configSchema, startGateway);
