/** The part of kafkajs's per-connection RequestQueue (not exported by its types) the fix touches. */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

let stopped = false;

/**
 * kafkajs 2.2.4, its last release, re-arms its request-queue check on every connection even with
 * nothing pending and no throttle: `setTimeout(check, throttledUntil - Date.now())` with
 * `throttledUntil` -1 is a negative delay, so every open connection runs a 1 ms timer loop for
 * ever (tulios/kafkajs#1556, fix proposed in #1667, neither merged). Measured here: 4 to 6% of a
 * core per idle service, and enough allocation that V8 never judged a process idle enough to give
 * its young generation back. The check is needed only while requests wait or a throttle is
 * pending; pushing a request that must wait, and every answer, schedule it again.
 */
export function stopIdleRequestQueueLoop(): void {
  if (stopped) return;
  stopped = true;
  // An internal module of kafkajs, without types.
  const queue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueue };
  const schedule = queue.prototype.scheduleCheckPendingRequests;
  queue.prototype.scheduleCheckPendingRequests = function (this: RequestQueue): void {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
}
