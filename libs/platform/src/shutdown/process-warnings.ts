/**
 * kafkajs 2.2.4 (its last release) schedules its request-queue check with `throttledUntil -
 * Date.now()` while `throttledUntil` is still -1, a negative delay that Node 23+ reports as a
 * TimeoutNegativeWarning on every connection. Node then uses 1 ms, which is what kafkajs means, so
 * the warning says nothing about Kinema; this drops exactly that one and prints every other warning
 * as Node would.
 */
export function hideKafkajsTimeoutWarning(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (isKafkajsNegativeTimeout(warning)) return;
    process.stderr.write(`(node:${process.pid}) ${warning.name}: ${warning.message}\n`);
  });
}

export function isKafkajsNegativeTimeout(warning: Error): boolean {
  return (
    warning.name === 'TimeoutNegativeWarning' &&
    /kafkajs[\\/]src[\\/]network[\\/]requestQueue/.test(warning.stack ?? '')
  );
}
