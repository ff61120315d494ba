/** One `npm run kinema -- <name> ...` command. */
export interface KinemaCommand {
  /** The word after `kinema`. */
  name: string;
  /** Its lines in the usage text, each starting with the command and its arguments. */
  usage: string;
  /** Runs it with the arguments after its name; resolves with the process's exit code. */
  run(args: string[], context: KinemaContext): Promise<number>;
  /**
   * What `kinema <name> --help` (or `-h`) prints instead of running it: its usage lines unless
   * this says otherwise; `own` for a command that answers --help itself.
   */
  help?: 'own' | (() => string);
}

export interface KinemaContext {
  /** The running launcher's data directory (its control socket is there). */
  dataDir: string;
}
