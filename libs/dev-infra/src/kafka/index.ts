export { startKafkaBroker } from './kafka-broker';
export type { KafkaBrokerOptions, RunningKafkaBroker } from './kafka-broker';
