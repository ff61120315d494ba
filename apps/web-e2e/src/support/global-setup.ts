import {
  describeEvent,
  seedDemoArtwork,
  seedDemoVideos,
  startSystem,
  testSystemDatabases,
} from '@kinema/dev-infra';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SYSTEM_LOG } from './system-log';

/**
 * Starts the system once for every browser flow, the way `npm start` does (same launcher, same
 * processes, the built web app served by the gateway, the sample clips uploaded), on free ports.
 * Its address reaches the tests as KINEMA_WEB_URL. Its databases are on the PostgreSQL server
 * TEST_DATABASE_URL names when set, as the e2e suite's are (the suite took 4.5 min instead of
 * 5.3; PGlite's own clients are tested there); else embedded, as `npm start`'s.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kinema-web-e2e-'));
  // Every line goes to SYSTEM_LOG as it comes: a flow that fails later has it printed.
  mkdirSync(dirname(SYSTEM_LOG), { recursive: true });
  writeFileSync(SYSTEM_LOG, '');
  const log = (line: string) => appendFileSync(SYSTEM_LOG, `${line}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_BROKERS: '', S3_ENDPOINT: '' };
  const databases = testSystemDatabases('web_e2e', process.env['TEST_DATABASE_URL']);
  delete env['DATABASE_URL'];
  Object.assign(env, databases.env);
  // In-process limiter and cache: a Redis shared with other systems (the e2e suite just before,
  // which floods sign-in from this same address) would carry their rate-limit counts over.
  delete env['REDIS_URL'];
  // A signed-out session is refused at once rather than after the check cache's 2 s.
  env['SESSION_CHECK_CACHE_MS'] = '0';
  // Every flow registers or signs in from this one address, more than the 20 a minute a single
  // address may (the suite reached it in its third minute): that limit is tested in the gateway's
  // rate-limit tests and the sessions e2e test, not here.
  env['RATE_LIMIT_AUTH_PER_IP'] = '1000';
  const system = await startSystem({
    dataDir,
    env,
    ephemeralPorts: true,
    demoTitles: 120,
    logLevel: 'warn',
    sink: (name, line) => log(`${name} | ${line}`),
    onEvent: (event) => log(`launcher | ${describeEvent(event)}`),
  }).catch(async (error: unknown) => {
    process.stderr.write(readFileSync(SYSTEM_LOG, 'utf8'));
    await databases.drop();
    throw error;
  });
  await seedDemoVideos(system.gatewayUrl, system.plan.admin);
  await seedDemoArtwork(system.gatewayUrl, system.plan.admin);
  process.env['KINEMA_WEB_URL'] = system.gatewayUrl;
  process.env['KINEMA_ADMIN_EMAIL'] = system.plan.admin.email;
  process.env['KINEMA_ADMIN_PASSWORD'] = system.plan.admin.password;
  return async () => {
    await system.stop();
    await databases.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
