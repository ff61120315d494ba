import type { KinemaCommand } from './kinema-command';
import { runKinema } from './kinema-cli';
import { LAUNCHER_COMMANDS, UsageError } from './launcher-commands';

/** A command that records its runs; `help` as given. */
function command(name: string, help?: KinemaCommand['help']): KinemaCommand & { runs: string[][] } {
  const runs: string[][] = [];
  return {
    name,
    usage: `${name} <thing>             does ${name}`,
    runs,
    run: (args) => {
      runs.push(args);
      if (args[0] === 'wrong') throw new UsageError('wrong is not a thing');
      return Promise.resolve(0);
    },
    ...(help ? { help } : {}),
  };
}

async function kinema(argv: string[], commands: KinemaCommand[]) {
  let stdout = '';
  let stderr = '';
  const code = await runKinema(argv, commands, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('kinema: the command line of the running npm start', () => {
  it('prints every command on --help, -h and help, on stdout, and exits 0', async () => {
    const commands = [command('trace'), command('chaos')];
    for (const ask of ['--help', '-h', 'help']) {
      const { code, stdout, stderr } = await kinema([ask], commands);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toContain('  trace <thing>');
      expect(stdout).toContain('  chaos <thing>');
    }
  });

  it("prints a command's usage on <command> --help or -h, anywhere after it, without running it", async () => {
    const trace = command('trace');
    for (const argv of [
      ['trace', '--help'],
      ['trace', 'last', '-h'],
      ['trace', '--help', '--data-dir', '/tmp/x'],
    ]) {
      const { code, stdout, stderr } = await kinema(argv, [trace, command('chaos')]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toContain('  trace <thing>');
      expect(stdout).not.toContain('chaos');
    }
    expect(trace.runs).toEqual([]);
    // After `--`, --help is an argument like any other.
    expect((await kinema(['trace', '--', '--help'], [trace])).code).toBe(0);
    expect(trace.runs).toEqual([['--', '--help']]);
  });

  it("prints a command's own help when it has one, and hands --help to a command that answers it", async () => {
    const chaos = command('chaos', () => 'Fault scenarios: ...');
    const load = command('load', 'own');
    expect((await kinema(['chaos', '--help'], [chaos, load])).stdout).toBe(
      'Fault scenarios: ...\n',
    );
    expect(chaos.runs).toEqual([]);
    expect((await kinema(['load', '--help'], [chaos, load])).code).toBe(0);
    expect(load.runs).toEqual([['--help']]);
  });

  it('refuses no command, an unknown one and arguments a command does not take with the usage, exit 2', async () => {
    const commands = [command('trace'), command('chaos')];
    const none = await kinema([], commands);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('  trace <thing>');
    const unknown = await kinema(['tracee'], commands);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('kinema: no command "tracee"');
    const wrong = await kinema(['trace', 'wrong'], commands);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('kinema trace: wrong is not a thing');
    // What is wrong, then the usage of that command alone.
    expect(wrong.stderr).toContain('  trace <thing>');
    expect(wrong.stderr).not.toContain('chaos');
  });

  it("refuses arguments the launcher's commands do not take before asking the launcher", async () => {
    // Given a launcher to ask, these would have run as `status`, `scale catalog=2`, `restart catalog`.
    for (const argv of [
      ['status', '--json'],
      ['scale', 'catalog=2', 'users=2'],
      ['restart', 'catalog', 'users'],
      ['pg-dump', 'catalog', 'users'],
    ]) {
      const refused = await kinema(argv, [...LAUNCHER_COMMANDS]);
      expect({ argv, code: refused.code }).toEqual({ argv, code: 2 });
      expect(refused.stderr).toContain(`kinema ${argv[0]}: see its usage below`);
    }
  });

  it('refuses a malformed scale with what is wrong in it before asking the launcher, exit 2', async () => {
    for (const [spec, detail] of [
      ['catalog', '"catalog" is not <service>=<count>'],
      ['kafka=2', '"kafka=2" is not <service>=<count>'],
      ['catalog=17', 'catalog: the count must be from 0 to 16, got 17'],
    ] as const) {
      const refused = await kinema(['scale', spec], [...LAUNCHER_COMMANDS]);
      expect({ spec, code: refused.code }).toEqual({ spec, code: 2 });
      expect(refused.stderr).toContain(`kinema scale: ${detail}`);
    }
  });
});
