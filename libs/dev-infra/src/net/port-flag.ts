/**
 * A port given on a stand-in's command line (`--<flag> <port>`): undefined when not given, 0 to let
 * the OS pick; throws naming the flag for anything that is not a port number.
 */
export function portFlag(flag: string, raw: string): number;
export function portFlag(flag: string, raw: string | undefined): number | undefined;
export function portFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new Error(`--${flag} must be a port number from 0 to 65535, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}
