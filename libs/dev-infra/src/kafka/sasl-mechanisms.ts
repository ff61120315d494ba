import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** Who may connect, and with which mechanisms, when the broker requires SASL. */
export interface SaslSettings {
  mechanisms: readonly SaslMechanism[];
  /** Username -> password. SCRAM credentials are derived from them at start, as Kafka stores them. */
  users: Readonly<Record<string, string>>;
}

/** One step of an exchange: bytes for the client, and whether the client is now authenticated. */
export type SaslStep =
  | { kind: 'challenge'; bytes: Buffer }
  | { kind: 'done'; bytes: Buffer; user: string }
  | { kind: 'failed'; message: string };

/** The server side of one authentication, fed each token the client sends. */
export interface SaslExchange {
  step(token: Buffer): SaslStep;
}

const SCRAM_ITERATIONS = 4096;
const HASHES = { 'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-512': 'sha512' } as const;

interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

// The SCRAM exchange (RFC 5802, RFC 7677) is written here on node:crypto's PBKDF2 and HMAC: the
// npm packages that implement it are client sides (kafkajs's and pg's included); no maintained
// server side exists to reuse.
function scramCredential(
  mechanism: keyof typeof HASHES,
  password: string,
  salt: Buffer,
): ScramCredential {
  const hash = HASHES[mechanism];
  const salted = pbkdf2Sync(
    Buffer.from(password, 'utf8'),
    salt,
    SCRAM_ITERATIONS,
    createHash(hash).digest().length,
    hash,
  );
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  return {
    salt,
    storedKey: createHash(hash).update(clientKey).digest(),
    serverKey: createHmac(hash, salted).update('Server Key').digest(),
  };
}

/** `a=1,b=2` -> {a: '1', b: '2'}; values may contain `=`. */
function attributes(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) map.set(part.slice(0, at), part.slice(at + 1));
  }
  return map;
}

/** Kafka's own failure text, so clients show what they would against a real broker. */
export function authenticationFailedMessage(mechanism: SaslMechanism): string {
  return mechanism === 'PLAIN'
    ? 'Authentication failed: Invalid username or password'
    : `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`;
}

/** The broker's users, with SCRAM credentials derived once (PBKDF2 is slow on purpose). */
export class SaslUserStore {
  private readonly scram = new Map<string, ScramCredential>();

  constructor(readonly settings: SaslSettings) {
    for (const [user, password] of Object.entries(settings.users)) {
      for (const mechanism of settings.mechanisms) {
        if (mechanism !== 'PLAIN')
          this.scram.set(
            `${mechanism}:${user}`,
            scramCredential(mechanism, password, randomBytes(16)),
          );
      }
    }
  }

  /** A new exchange for a mechanism this broker enabled. */
  begin(mechanism: SaslMechanism): SaslExchange {
    return mechanism === 'PLAIN' ? this.plain() : this.scramExchange(mechanism);
  }

  private plain(): SaslExchange {
    return {
      step: (token) => {
        const [authzid, user, password] = token.toString('utf8').split('\0');
        const expected = user === undefined ? undefined : this.settings.users[user];
        const given = Buffer.from(password ?? '', 'utf8');
        const valid =
          expected !== undefined &&
          (authzid === '' || authzid === user) &&
          given.length === Buffer.byteLength(expected) &&
          timingSafeEqual(given, Buffer.from(expected, 'utf8'));
        return valid && user !== undefined
          ? { kind: 'done', bytes: Buffer.alloc(0), user }
          : { kind: 'failed', message: authenticationFailedMessage('PLAIN') };
      },
    };
  }

  private scramExchange(mechanism: keyof typeof HASHES): SaslExchange {
    const hash = HASHES[mechanism];
    const failed: SaslStep = { kind: 'failed', message: authenticationFailedMessage(mechanism) };
    let state: {
      user: string;
      credential: ScramCredential;
      authPrefix: string;
      nonce: string;
      gs2: string;
    } | null = null;
    return {
      step: (token) => {
        const text = token.toString('utf8');
        if (state === null) {
          // client-first-message: gs2-header ("n,," or "y,,"; no channel binding) + bare part.
          const match = /^([ny]),(a=[^,]*)?,(.*)$/.exec(text);
          const bare = match?.[3];
          const fields = attributes(bare ?? '');
          const name = fields.get('n');
          const clientNonce = fields.get('r');
          if (!match || bare === undefined || name === undefined || !clientNonce) {
            return { kind: 'failed', message: `${mechanism}: malformed client-first message` };
          }
          const user = name.replace(/=2C/g, ',').replace(/=3D/g, '=');
          // An unknown user goes through the whole exchange with a throwaway credential, so that a
          // client cannot tell unknown names from wrong passwords (RFC 5802, section 9).
          const credential =
            this.scram.get(`${mechanism}:${user}`) ??
            scramCredential(mechanism, randomBytes(16).toString('hex'), randomBytes(16));
          const nonce = clientNonce + randomBytes(18).toString('base64');
          const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${SCRAM_ITERATIONS}`;
          state = {
            user,
            credential,
            authPrefix: `${bare},${serverFirst}`,
            nonce,
            gs2: text.slice(0, text.length - bare.length),
          };
          return { kind: 'challenge', bytes: Buffer.from(serverFirst, 'utf8') };
        }
        // client-final-message: c=<gs2 header>,r=<nonce>[,...],p=<proof>.
        const proofAt = text.lastIndexOf(',p=');
        if (proofAt < 0) return failed;
        const withoutProof = text.slice(0, proofAt);
        const fields = attributes(withoutProof);
        // Kafka checks that the nonce ends with its own, not that it equals it: librdkafka sends
        // its client nonce once more in front, and Kafka accepts that.
        if (
          !(fields.get('r') ?? '').endsWith(state.nonce) ||
          fields.get('c') !== Buffer.from(state.gs2, 'utf8').toString('base64')
        ) {
          return failed;
        }
        const authMessage = `${state.authPrefix},${withoutProof}`;
        const signature = createHmac(hash, state.credential.storedKey).update(authMessage).digest();
        const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
        if (proof.length !== signature.length) return failed;
        const clientKey = Buffer.from(proof.map((byte, i) => byte ^ (signature[i] ?? 0)));
        const storedKey = createHash(hash).update(clientKey).digest();
        if (!timingSafeEqual(storedKey, state.credential.storedKey)) return failed;
        const serverSignature = createHmac(hash, state.credential.serverKey)
          .update(authMessage)
          .digest();
        return {
          kind: 'done',
          bytes: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8'),
          user: state.user,
        };
      },
    };
  }
}
