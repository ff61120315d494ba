// The gateway's invalidation thread (InvalidationThread starts it): reads the catalog's title events
// off the serving thread's event loop and hands each change to the cache through shared memory.
import { parentPort, workerData } from 'node:worker_threads';
import { TOPICS } from '@kinema/contracts/events';
import type { KafkaEnv } from '@kinema/platform/config';
import { createKafka, kafkaClientConfig } from '@kinema/platform/kafka';
import { createLogger } from '@kinema/platform/logging';
import { changeOfEvent } from '../cache/title-change';
import { SharedTitleChanges } from '../cache/shared-title-changes';
import { GatewayEventFeed } from './event-feed';

export interface InvalidationWorkerData {
  env: KafkaEnv & { LOG_LEVEL: string };
  groupId: string;
  changes: SharedArrayBuffer;
}

/** What the thread tells the serving thread. */
export type InvalidationWorkerMessage = { joined: boolean } | { stopped: true };

const { env, groupId, changes } = workerData as InvalidationWorkerData;
const port = parentPort;
if (!port) throw new Error('invalidation.worker runs as a worker thread');
const logger = createLogger('gateway', env.LOG_LEVEL).child({
  component: 'events',
  thread: 'invalidation',
});
const channel = new SharedTitleChanges(changes);
const feed = new GatewayEventFeed(
  createKafka(kafkaClientConfig(env, 'kinema-gateway-invalidation'), logger),
  groupId,
  [TOPICS.catalogTitles],
  [
    (event) => {
      // A title event names the title it changed; any other catalog event changes what it may.
      if (event.type.startsWith('kinema.catalog.')) channel.publish(event.id, changeOfEvent(event));
    },
  ],
  logger,
  // No FeedInstruments: the serving thread's feed reports the replica's lag and tags its spans.
);
feed.onJoinedChange((joined) => port.postMessage({ joined } satisfies InvalidationWorkerMessage));
feed.start();
port.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  void feed.stop().finally(() => {
    port.postMessage({ stopped: true } satisfies InvalidationWorkerMessage);
    port.close();
  });
});
