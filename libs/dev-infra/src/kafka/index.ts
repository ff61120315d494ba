export { startKafkaBroker } from './kafka-broker';
export type { KafkaBrokerOptions, RunningKafkaBroker } from './kafka-broker';
export { SASL_MECHANISMS } from './sasl-mechanisms';
export type { SaslMechanism, SaslSettings } from './sasl-mechanisms';
