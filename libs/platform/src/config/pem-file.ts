import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** What is wrong with a PEM file (unreadable, or without a block of this label), or null. */
export function pemFileProblem(path: string, label: 'CERTIFICATE' | 'PRIVATE KEY'): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return `expected a readable PEM file (${code === 'ENOENT' ? 'no such file' : code})`;
  }
  // Keys come as "PRIVATE KEY", "RSA PRIVATE KEY" or "EC PRIVATE KEY" blocks.
  const block =
    label === 'CERTIFICATE' ? /-----BEGIN CERTIFICATE-----/ : /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
  return block.test(text) ? null : `expected a PEM file with a "-----BEGIN ${label}-----" block`;
}

/**
 * An optional path to a PEM file, checked at start: it must exist and hold a block of this kind.
 * The value stays the path; the contents are read where the client is built.
 */
export const envPemFile = (label: 'CERTIFICATE' | 'PRIVATE KEY') =>
  z
    .string()
    .superRefine((path, context) => {
      const problem = pemFileProblem(path, label);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    })
    .optional();
