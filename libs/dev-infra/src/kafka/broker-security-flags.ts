import { readFileSync } from 'node:fs';
import type { KafkaBrokerOptions } from './kafka-broker';
import { SASL_MECHANISMS, type SaslMechanism } from './sasl-mechanisms';

/**
 * TLS and SASL from the flags (`--tls-cert`, ..., each after `prefix`: `--kafka-tls-cert` where the
 * broker shares a command line) and KAFKA_BROKER_SASL_USERS; throws naming what is missing.
 */
export function brokerSecurity(
  values: Readonly<Record<string, unknown>>,
  prefix = '',
): Pick<KafkaBrokerOptions, 'tls' | 'sasl'> {
  const text = (name: string) => {
    const value = values[`${prefix}${name}`];
    return typeof value === 'string' ? value : undefined;
  };
  const cert = text('tls-cert');
  const key = text('tls-key');
  const ca = text('tls-ca');
  if ((cert === undefined) !== (key === undefined) || (ca !== undefined && cert === undefined))
    throw new Error(
      `--${prefix}tls-cert and --${prefix}tls-key go together (and --${prefix}tls-ca needs them)`,
    );
  const options: Pick<KafkaBrokerOptions, 'tls' | 'sasl'> = {};
  if (cert !== undefined && key !== undefined) {
    options.tls = {
      cert: readFileSync(cert),
      key: readFileSync(key),
      ...(ca === undefined ? {} : { ca: readFileSync(ca) }),
    };
  }
  const mechanisms = text('sasl-mechanisms');
  if (mechanisms !== undefined) {
    const names = mechanisms.split(',').map((name) => name.trim().toUpperCase());
    const unknown = names.filter((name) => !SASL_MECHANISMS.includes(name as SaslMechanism));
    if (unknown.length > 0)
      throw new Error(
        `--${prefix}sasl-mechanisms: ${unknown.join(', ')} not among ${SASL_MECHANISMS.join(', ')}`,
      );
    const users = Object.fromEntries(
      (process.env['KAFKA_BROKER_SASL_USERS'] ?? '')
        .split(',')
        .filter((entry) => entry.includes(':'))
        .map((entry) => [entry.slice(0, entry.indexOf(':')), entry.slice(entry.indexOf(':') + 1)]),
    );
    if (Object.keys(users).length === 0)
      throw new Error(
        `--${prefix}sasl-mechanisms needs KAFKA_BROKER_SASL_USERS=name:password in the environment`,
      );
    options.sasl = { mechanisms: names as SaslMechanism[], users };
  }
  return options;
}
