/**
 * Debian's Chromium as the browser tests and the web benchmark launch it: headless, in a machine
 * without a sandbox or a GPU, and making no requests of its own (background networking, component
 * updates, sync) that would show in a flow's network or a benchmark's CPU.
 */
export const headlessChromium = {
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
} as const;
