import type { FleetEvent } from '../fleet';
import type { RunningSystem } from '../system';
import type { ProbeAnswer } from './chaos-probe';

/** The `kinema chaos` command a fault runs for, as the launcher sees it. */
export interface ChaosSession {
  /** Prints one line on that command's terminal (nothing once it is gone). */
  say(text: string): void;
  /** Settles when the command ends the fault early (Ctrl-C) or is gone (killed). */
  ended: Promise<void>;
  /** Hears what happens to the processes while the fault lasts; returns how to stop. */
  subscribe(listener: (event: FleetEvent) => void): () => void;
  /** The `npm run kinema -- ...` line for another command on this launcher. */
  kinemaCommand(args: string): string;
}

/** What a scenario needs: the system it breaks and the command it reports to. */
export interface ChaosContext {
  system: RunningSystem;
  session: ChaosSession;
}

/** A fault in place. */
export interface ActiveFault {
  /** Requests through the gateway that show the fault, made while it is on. */
  probe(): Promise<ProbeAnswer[]>;
  /** Where to look beside the probe: the metric that moves and where, what a web user sees. */
  watch: string[];
  /** Undoes the fault, waits until the system serves again and says how it stands. */
  undo(): Promise<string>;
}
