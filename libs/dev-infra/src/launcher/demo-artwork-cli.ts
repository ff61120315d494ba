import { runScript } from '../testing/run-script';
import { seedDemoArtwork } from './demo-artwork';

/**
 * `node demo-artwork-cli.js <gateway URL>`, the administrator's credentials in
 * KINEMA_ADMIN_EMAIL and KINEMA_ADMIN_PASSWORD (not arguments, which ps shows): draws the home
 * page's artwork (seedDemoArtwork) and prints what it did as JSON. The launcher runs it as a
 * process of its own, so sharp (librsvg, libvips and their caches) never loads into the launcher,
 * which lives as long as the demo, and its memory is given back when the drawing ends.
 */
async function main(): Promise<void> {
  const [gatewayUrl] = process.argv.slice(2);
  const email = process.env['KINEMA_ADMIN_EMAIL'];
  const password = process.env['KINEMA_ADMIN_PASSWORD'];
  if (!gatewayUrl || !email || !password) {
    throw new Error(
      'usage: KINEMA_ADMIN_EMAIL=... KINEMA_ADMIN_PASSWORD=... demo-artwork-cli.js <gateway URL>',
    );
  }
  const result = await seedDemoArtwork(gatewayUrl, { email, password });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

runScript(main);
