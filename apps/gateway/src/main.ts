import './instrumentation';
import { runService } from '@kinema/platform/shutdown';
import { configSchema } from './config';
import { startGateway } from './gateway.bootstrap';

runService('gateway', configSchema, startGateway);
