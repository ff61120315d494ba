import { Algorithm, hash, parseOptions, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

export interface Argon2Cost {
  memoryKib: number;
  timeCost: number;
}

// One lane: parallel lanes would take a second core per login on a 2-core pod, starving the
// rest of the service; memory and passes carry the cost instead.
const PARALLELISM = 1;

/** argon2id hashing with the configured cost, plus the dummy verify that evens out login timing. */
export class PasswordHasher {
  private constructor(
    private readonly cost: Argon2Cost,
    private readonly dummyHash: string,
  ) {}

  /** Prepares the dummy hash up front, so the first unknown-email login is not the odd one out. */
  static async create(cost: Argon2Cost): Promise<PasswordHasher> {
    const dummy = await hash(randomBytes(32).toString('base64url'), options(cost));
    return new PasswordHasher(cost, dummy);
  }

  hash(password: string): Promise<string> {
    return hash(password, options(this.cost));
  }

  /** False for a wrong password and for a stored hash that cannot be read. */
  async verify(storedHash: string, password: string): Promise<boolean> {
    try {
      return await verify(storedHash, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends what verifying a real hash costs and answers false: used when the email is unknown,
   * so a login's duration does not tell whether an account exists.
   */
  async verifyDummy(password: string): Promise<false> {
    await this.verify(this.dummyHash, password);
    return false;
  }

  /** True when a stored hash was made with other parameters than today's (rehash at next login). */
  needsRehash(storedHash: string): boolean {
    try {
      const stored = parseOptions(storedHash);
      return (
        stored.algorithm !== Algorithm.Argon2id ||
        stored.memoryCost !== this.cost.memoryKib ||
        stored.timeCost !== this.cost.timeCost ||
        stored.parallelism !== PARALLELISM
      );
    } catch {
      return true;
    }
  }
}

function options(cost: Argon2Cost) {
  return {
    algorithm: Algorithm.Argon2id,
    memoryCost: cost.memoryKib,
    timeCost: cost.timeCost,
    parallelism: PARALLELISM,
  };
}
