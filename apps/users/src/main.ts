import './instrumentation';
import { runService } from '@kinema/platform';
import { configSchema } from './config';
import { startUsers } from './users.bootstrap';

runService('users', configSchema, startUsers);
