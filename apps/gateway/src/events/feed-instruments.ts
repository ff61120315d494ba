import { reportConsumerLag } from '@kinema/platform/kafka-lag';
import { annotateActiveSpan } from '@kinema/platform/telemetry';
import type { FeedInstruments } from './event-feed';

/** The serving feed's lag metric and span attribute (GatewayEventsModule passes them). */
export const servingFeedInstruments: FeedInstruments = {
  // A new group starts at its partitions' end (GatewayEventFeed): its lag counts from there.
  reportLag: (kafka, groupId, topics) => reportConsumerLag(kafka, groupId, topics, 'latest'),
  // The kafkajs instrumentation's processing span knows the topic but not the group.
  nameGroupOnSpan: (groupId) => annotateActiveSpan('messaging.consumer.group.name', groupId),
};
