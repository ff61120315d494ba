import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { startTestSystem, type TestSystem } from './support/system';
import { SAMPLES_DIR } from './support/videos';

// The very file `helm test` runs in the gateway image, run here the same way: as a process with
// only its environment, against the system `npm start` starts.
const smokeScript = resolve(__dirname, '../../../k8s/smoke/smoke.mjs');

interface ScriptRun {
  code: number | null;
  output: string;
}

function runSmoke(env: Record<string, string>): Promise<ScriptRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [smokeScript], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', fail);
    child.once('exit', (code) => done({ code, output }));
  });
}

let system: TestSystem;
let smokeEnv: Record<string, string>;

beforeAll(async () => {
  system = await startTestSystem(5);
  smokeEnv = {
    KINEMA_URL: system.gatewayUrl,
    KINEMA_ADMIN_EMAIL: system.plan.admin.email,
    KINEMA_ADMIN_PASSWORD: system.plan.admin.password,
    KINEMA_SAMPLE_VIDEO: resolve(SAMPLES_DIR, 'bars-faststart.mp4'),
  };
}, 180_000);

afterAll(async () => {
  await system?.dispose();
});

describe('the helm test smoke script', () => {
  it('passes every step against a running system: browse, sign in, My List, notification, byte range', async () => {
    const run = await runSmoke(smokeEnv);
    expect(run.output).toContain('ok browse');
    expect(run.output).toContain('ok sign in');
    expect(run.output).toContain('ok read My List');
    expect(run.output).toContain('ok WebSocket notification after an admin change');
    expect(run.output).toContain('ok play a byte range');
    expect(run.output).not.toContain('cleanup:');
    expect(run.code).toBe(0);
  });

  it('fails, naming the step, when the admin cannot sign in', async () => {
    const run = await runSmoke({ ...smokeEnv, KINEMA_ADMIN_PASSWORD: 'not-the-password' });
    expect(run.output).toMatch(/smoke failed: admin sign in: HTTP 401/);
    expect(run.code).toBe(1);
  });
});
