import { trace } from '@opentelemetry/api';
import { reportConsumerLag } from '@kinema/platform/kafka-lag';
import type { FeedInstruments } from './event-feed';

/** The serving feed's lag metric and span attribute (GatewayEventsModule passes them). */
export const servingFeedInstruments: FeedInstruments = {
  // A new group starts at its partitions' end (GatewayEventFeed): its lag counts from there.
  reportLag: (kafka, groupId, topics) => reportConsumerLag(kafka, groupId, topics, 'latest'),
  // The kafkajs instrumentation's processing span knows the topic but not the group.
  nameGroupOnSpan: (groupId) =>
    trace.getActiveSpan()?.setAttribute('messaging.consumer.group.name', groupId),
};
