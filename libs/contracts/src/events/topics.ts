/** Every Kafka topic the services use; nothing else spells a topic string. */
export const TOPICS = {
  catalogTitles: 'catalog.titles.v1',
  videosVideos: 'videos.videos.v1',
  usersPlayback: 'users.playback.v1',
  usersAccounts: 'users.accounts.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** The dead-letter twin of a topic, where poison messages go with their error. */
export function deadLetterTopic(topic: Topic): `${Topic}.dlq` {
  return `${topic}.dlq`;
}

export const ALL_TOPICS: readonly Topic[] = Object.values(TOPICS);
