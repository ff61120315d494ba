import { ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { bytes, int16, int64, string, struct } from './protocol-schema.codec';

const request = struct({ authBytes: [bytes()] });
const response = struct({
  errorCode: [int16],
  errorMessage: [string('0+')],
  authBytes: [bytes()],
  sessionLifetimeMs: [int64, '1+'],
});

/**
 * SaslAuthenticate v0-v2: one token of the exchange SaslHandshake began. A refusal carries
 * Kafka's message and closes the connection once answered, as Kafka does.
 */
export const saslAuthenticateApi = defineApi({
  apiKey: ApiKey.SaslAuthenticate,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  flexibleVersions: '2+',
  request,
  response,
  handle(req, { broker, connection, header }) {
    const state = connection.sasl;
    const refuse = (errorCode: number, errorMessage: string) => {
      state.exchange = null;
      connection.closeAfterResponse();
      broker.logger.warn(
        `SASL authentication of client ${header.clientId ?? '(none)'} from ${connection.clientHost} refused: ${errorMessage}`,
      );
      return { errorCode, errorMessage, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
    };
    if (state.exchange === null || state.authenticatedAs !== null) {
      return refuse(ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate without a SaslHandshake first');
    }
    const step = state.exchange.step(req.authBytes ?? Buffer.alloc(0));
    if (step.kind === 'failed') return refuse(ErrorCode.SASL_AUTHENTICATION_FAILED, step.message);
    if (step.kind === 'done') {
      state.exchange = null;
      state.authenticatedAs = step.user;
    }
    // Lifetime 0: credentials are never re-checked on a live connection (no KIP-368 re-auth).
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      authBytes: step.bytes,
      sessionLifetimeMs: 0,
    };
  },
});
