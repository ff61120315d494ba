import { ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { int16, list, str, struct } from './protocol-schema.codec';
import { SASL_MECHANISMS, type SaslMechanism } from './sasl-mechanisms';

const request = struct({ mechanism: [str] });
const response = struct({ errorCode: [int16], mechanisms: [list(str)] });

/**
 * SaslHandshake: picks the mechanism of this connection's exchange, whose tokens then travel in
 * SaslAuthenticate requests (v1). v0 is advertised because librdkafka reads SASL support from it,
 * but its raw token frames are not served: a v0 handshake is refused. A broker without SASL, like
 * a PLAINTEXT Kafka listener, enables no mechanism.
 */
export const saslHandshakeApi = defineApi({
  apiKey: ApiKey.SaslHandshake,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  flexibleVersions: 'none',
  request,
  response,
  handle(req, { broker, connection, header }) {
    const enabled = broker.sasl?.settings.mechanisms ?? [];
    if (header.apiVersion === 0) {
      broker.logger.warn(
        `SaslHandshake v0 from client ${header.clientId ?? '(none)'} refused: raw SASL frames are not served, only SaslAuthenticate (v1)`,
      );
      return { errorCode: ErrorCode.UNSUPPORTED_VERSION, mechanisms: [...enabled] };
    }
    const mechanism = SASL_MECHANISMS.find((name) => name === req.mechanism.toUpperCase());
    if (broker.sasl === null || mechanism === undefined || !enabled.includes(mechanism)) {
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [...enabled] };
    }
    if (connection.sasl.authenticatedAs !== null || connection.sasl.exchange !== null) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [...enabled] };
    }
    connection.sasl.mechanism = mechanism satisfies SaslMechanism;
    connection.sasl.exchange = broker.sasl.begin(mechanism);
    return { errorCode: ErrorCode.NONE, mechanisms: [...enabled] };
  },
});
