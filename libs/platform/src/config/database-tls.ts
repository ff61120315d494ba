import { readFileSync } from 'node:fs';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { z } from 'zod';
import { envPemFile } from './pem-file';

export const DATABASE_SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type DatabaseSslMode = (typeof DATABASE_SSL_MODES)[number];

/** TLS to PostgreSQL, with libpq's meanings (docs/external-infrastructure.md). */
export const databaseTlsConfigShape = {
  DATABASE_SSL_MODE: z
    .enum(DATABASE_SSL_MODES, { error: `expected one of ${DATABASE_SSL_MODES.join(', ')}` })
    .optional(),
  /** The CA bundle that signed the server's certificate (a private CA; the system's otherwise). */
  DATABASE_SSL_CA_FILE: envPemFile('CERTIFICATE'),
};

export interface DatabaseTlsSettings {
  url: string;
  sslMode?: DatabaseSslMode | undefined;
  sslCaFile?: string | undefined;
}

/** What node-postgres gets: the URL without its TLS parameters, and the `ssl` option they mean. */
export interface DatabaseConnection {
  url: string;
  // TypeORM types `ssl` as TlsOptions; node-postgres hands it to tls.connect, which also takes
  // checkServerIdentity (verify-ca turns the host name check off with it).
  ssl?: false | (TlsOptions & Pick<ConnectionOptions, 'checkServerIdentity'>);
}

// node-postgres lets TLS parameters in the URL override its `ssl` option, with meanings of its own
// (`require` checks the host name there); they are taken out and mapped here, with libpq's.
const URL_TLS_PARAMETERS = ['sslmode', 'sslrootcert'];
const UNSUPPORTED_URL_PARAMETERS = ['sslcert', 'sslkey', 'sslpassword', 'uselibpqcompat'];

/**
 * Why these settings cannot be used, by variable: a mode outside libpq's four, DATABASE_SSL_MODE
 * and the URL's `sslmode` (or the CA file and `sslrootcert`) disagreeing, a CA without TLS.
 */
export function databaseTlsIssues(
  settings: DatabaseTlsSettings,
): { path: string; message: string }[] {
  let url: URL;
  try {
    url = new URL(settings.url);
  } catch {
    return [];
  }
  const issues: { path: string; message: string }[] = [];
  const urlMode = url.searchParams.get('sslmode');
  if (urlMode !== null && !DATABASE_SSL_MODES.includes(urlMode as DatabaseSslMode)) {
    issues.push({
      path: 'DATABASE_URL',
      message: `sslmode=${urlMode} is not supported: use DATABASE_SSL_MODE (${DATABASE_SSL_MODES.join(', ')})`,
    });
  }
  if (urlMode !== null && settings.sslMode !== undefined && urlMode !== settings.sslMode) {
    issues.push({
      path: 'DATABASE_SSL_MODE',
      message: `is ${settings.sslMode} but DATABASE_URL says sslmode=${urlMode}: set one, or the same in both`,
    });
  }
  const urlCa = url.searchParams.get('sslrootcert');
  if (urlCa !== null && settings.sslCaFile !== undefined && urlCa !== settings.sslCaFile) {
    issues.push({
      path: 'DATABASE_SSL_CA_FILE',
      message: `is ${settings.sslCaFile} but DATABASE_URL says sslrootcert=${urlCa}: set one, or the same in both`,
    });
  }
  for (const name of UNSUPPORTED_URL_PARAMETERS) {
    if (url.searchParams.has(name))
      issues.push({
        path: 'DATABASE_URL',
        message: `${name} is not supported (TLS is set by DATABASE_SSL_MODE)`,
      });
  }
  const mode = settings.sslMode ?? urlMode;
  if (mode === 'verify-ca' && (settings.sslCaFile ?? urlCa) === null) {
    // A public CA signs servers anyone may register: checking it without the host name proves nothing.
    issues.push({
      path: 'DATABASE_SSL_CA_FILE',
      message: 'required with DATABASE_SSL_MODE=verify-ca',
    });
  }
  if ((settings.sslCaFile ?? urlCa) !== null && (mode === null || mode === 'disable')) {
    issues.push({
      path: 'DATABASE_SSL_CA_FILE',
      message: 'set, but TLS is off: set DATABASE_SSL_MODE to verify-full (or verify-ca)',
    });
  }
  return issues;
}

/**
 * The connection node-postgres makes for these settings (already checked by databaseTlsIssues):
 * `disable` plain; `require` encrypted, certificate unchecked (checked against the CA when one is
 * given, as libpq does with a root certificate); `verify-ca` the CA, not the host name;
 * `verify-full` both. No mode anywhere leaves the URL as it is.
 */
export function databaseConnection(settings: DatabaseTlsSettings): DatabaseConnection {
  const url = new URL(settings.url);
  const mode = settings.sslMode ?? (url.searchParams.get('sslmode') as DatabaseSslMode | null);
  const caFile = settings.sslCaFile ?? url.searchParams.get('sslrootcert') ?? undefined;
  if (mode === null) return { url: settings.url };
  for (const name of URL_TLS_PARAMETERS) url.searchParams.delete(name);
  const stripped = url.toString();
  if (mode === 'disable') return { url: stripped, ssl: false };
  const ca = caFile === undefined ? {} : { ca: readFileSync(caFile, 'utf8') };
  if (mode === 'require' && caFile === undefined)
    return { url: stripped, ssl: { rejectUnauthorized: false } };
  if (mode === 'verify-full') return { url: stripped, ssl: { ...ca, rejectUnauthorized: true } };
  return {
    url: stripped,
    ssl: { ...ca, rejectUnauthorized: true, checkServerIdentity: () => undefined },
  };
}
