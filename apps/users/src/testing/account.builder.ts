import { randomUUID } from 'node:crypto';

let sequence = 0;

/** Registration input with a unique address; override what the test is about. */
export function aRegistration(overrides: { email?: string; password?: string } = {}): {
  email: string;
  password: string;
} {
  sequence += 1;
  return {
    email: `viewer-${process.pid}-${sequence}@example.test`,
    password: 'correct horse battery',
    ...overrides,
  };
}

/** A title id as the catalog would hand out; users stores it without looking it up. */
export function aTitleId(): string {
  return randomUUID();
}
