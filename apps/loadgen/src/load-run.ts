import { OPS_PATHS } from '@kinema/contracts/supervision';
import type { Server } from 'node:http';
import { Admin } from './admin-scenario';
import { ApiClient, failureReason, Stopped, type Transport } from './api-client';
import { AuthGate } from './auth-gate';
import { catalogWords } from './catalog-words';
import type { LoadOptions } from './config';
import { serveHealth } from './health-server';
import { LiveView, type Output } from './live-view';
import { LoadStats } from './load-stats';
import { summaryLines } from './run-summary';
import { SeededRandom } from './seeded-random';
import { Session, SignInRefused, ViewerAccounts } from './session';
import { formatSeconds, intervalTable } from './stats-table';
import { Viewer, viewerEmail } from './viewer-scenario';

export interface RunIo {
  out: Output;
  transport: Transport;
  /** Ends the run (Ctrl-C, SIGTERM); the summary still follows. */
  stop: AbortSignal;
  /** Ends what outlives the stop too: the admin renaming its title back (a second Ctrl-C). */
  force: AbortSignal;
}

/** How long one try to reach the target at start may take. */
const PROBE_TIMEOUT_MS = 5_000;

/** Reaches the gateway's /readyz; with `waitMs`, tries until it is ready or the time is up. */
async function probeTarget(
  options: LoadOptions,
  io: RunIo,
  beat: () => void,
): Promise<{ answered: true } | { answered: false; reason: string }> {
  const started = io.transport.now();
  let reason = 'no answer';
  let answered = false;
  for (;;) {
    beat();
    try {
      const response = await io.transport.fetch(`${options.target}${OPS_PATHS.readiness}`, {
        signal: AbortSignal.any([io.stop, AbortSignal.timeout(PROBE_TIMEOUT_MS)]),
      });
      await response.arrayBuffer();
      answered = true;
      if (response.ok) return { answered: true };
      reason = `${OPS_PATHS.readiness} answers ${response.status}`;
    } catch (error) {
      reason = failureReason(error);
    }
    if (io.stop.aborted || io.transport.now() - started >= options.waitMs) break;
    try {
      await io.transport.pause(1000, io.stop);
    } catch {
      break;
    }
  }
  // A gateway that answers but is not ready yet still gets the load: its answers will say so.
  return answered ? { answered: true } : { answered: false, reason };
}

/**
 * One run: checks the target answers, reads the catalog's words, starts the viewers over the ramp
 * (and the admin), draws the table every interval until the duration is up or `io.stop`, then
 * prints the summary. Resolves with the exit code: 0 when it ran, 1 when the target never answered.
 */
export async function runLoad(options: LoadOptions, io: RunIo): Promise<number> {
  const who = `${options.users} viewer${options.users === 1 ? '' : 's'}${options.admin ? ' + admin' : ''}`;
  io.out.write(
    `kinema load: ${who} against ${options.target}, ` +
      `${options.durationMs > 0 ? `for ${formatSeconds(options.durationMs)}` : 'until Ctrl-C'}, ` +
      `ramp ${formatSeconds(options.rampMs)}, think ${formatSeconds(options.think.minMs)}..${formatSeconds(options.think.maxMs)}, ` +
      `seed ${options.seed}\n`,
  );
  // Alive while it waits for the target and while the table is drawn (a pod's probes).
  let lastBeat = io.transport.now();
  const beat = () => (lastBeat = io.transport.now());
  const health: Server | undefined = options.healthPort
    ? await serveHealth(
        options.healthPort,
        () => io.transport.now() - lastBeat < 3 * options.intervalMs + 5_000,
      )
    : undefined;
  const probe = await probeTarget(options, io, beat).catch((error: unknown) => {
    health?.close();
    throw error;
  });
  if (!probe.answered) {
    health?.close();
    io.out.write(`no Kinema gateway answers at ${options.target} (${probe.reason})\n`);
    return 1;
  }

  const running = new AbortController();
  const endRun = () => running.abort();
  io.stop.addEventListener('abort', endRun, { once: true });
  const stats = new LoadStats();
  const started = io.transport.now();
  // The run ends when the clock that times it says the duration is up, counted from the same
  // start. A timer armed before that start was read, on libuv's own clock, once ended a run "for
  // 20.0s" that this clock timed at 19.9s on a loaded machine.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const endWhenDue = () => {
    const left = started + options.durationMs - io.transport.now();
    if (left > 0) timer = setTimeout(endWhenDue, left);
    else endRun();
  };
  if (options.durationMs > 0) endWhenDue();
  const api = new ApiClient(
    options.target,
    stats,
    new AuthGate(io.transport),
    io.transport,
    running.signal,
    started,
  );
  const view = new LiveView(io.out);
  let startedViewers = 0;
  let lastTick = started;
  const tick = () => {
    const now = io.transport.now();
    const { rows, total } = stats.takeInterval((now - lastTick) / 1000);
    const over = options.durationMs > 0 ? ` of ${formatSeconds(options.durationMs)}` : '';
    view.show([
      `${formatSeconds(now - started)}${over}: ${startedViewers} of ${options.users} viewers started, ` +
        `${signedInViewers()} signed in` +
        `${options.admin ? ' + admin' : ''} (req/s, p50, p99: last ${formatSeconds(now - lastTick)}; ` +
        'requests, errors, limited: since start)',
      ...intervalTable(rows, total),
    ]);
    lastTick = now;
  };
  const ticker = setInterval(() => {
    tick();
    beat();
  }, options.intervalMs);
  running.signal.addEventListener(
    'abort',
    () =>
      view.note(
        io.stop.aborted
          ? `Stopping${options.admin ? '; the admin renames its title back first' : ''} ` +
              '(Ctrl-C again to stop at once)...'
          : 'Time is up; stopping...',
      ),
    { once: true },
  );

  const viewerProblems: string[] = [];
  const viewerSessions: Session[] = [];
  const accounts = new ViewerAccounts();
  const signedInViewers = () => viewerSessions.filter((session) => session.hasSignedIn).length;
  const startViewer = async (n: number): Promise<void> => {
    try {
      await api.pause(Math.floor((options.rampMs * (n - 1)) / options.users));
      const session = new Session(
        api,
        io.transport,
        { email: viewerEmail(n), password: options.viewerPassword },
        { n, accounts },
      );
      viewerSessions.push(session);
      startedViewers += 1;
      await new Viewer(api, session, new SeededRandom(options.seed, n), options.think, words).run();
    } catch (error) {
      if (error instanceof Stopped) return;
      const problem = error instanceof Error ? error.message : String(error);
      viewerProblems.push(problem);
      view.note(`viewer ${n} stopped: ${problem}`);
    }
  };
  const runAdmin = async (admin: Admin): Promise<void> => {
    try {
      await admin.run();
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      admin.report.stoppedBecause = `${error.message}; check --admin-email and --admin-password`;
      view.note(`admin stopped: ${admin.report.stoppedBecause}`);
    }
  };

  let words: string[] = [];
  let admin: Admin | undefined;
  try {
    words = await catalogWords(api);
    if (options.admin) {
      admin = new Admin(
        api,
        new Session(api, io.transport, options.admin),
        new SeededRandom(options.seed, 0),
        options.think,
        io.force,
      );
    }
    await Promise.all([
      ...Array.from({ length: options.users }, (_, i) => startViewer(i + 1)),
      ...(admin ? [runAdmin(admin)] : []),
    ]);
  } catch (error) {
    if (!(error instanceof Stopped)) throw error;
  } finally {
    clearInterval(ticker);
    if (timer) clearTimeout(timer);
    io.stop.removeEventListener('abort', endRun);
    health?.close();
  }
  if (io.transport.now() - lastTick >= 200) tick();
  view.finish();
  io.out.write(
    `\n${summaryLines(stats, {
      target: options.target,
      elapsedMs: io.transport.now() - started,
      viewers: options.users,
      seed: options.seed,
      ...(admin ? { admin: admin.report } : {}),
      viewerProblems,
      registeredViewers: viewerSessions.filter((session) => session.registeredAccount).length,
      viewersNotSignedIn: options.users - signedInViewers(),
    }).join('\n')}\n`,
  );
  return 0;
}
