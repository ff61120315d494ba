import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { controlSocketPath, type ControlReply, type ControlRequest } from './control-socket';
import { MAX_REPLICAS, REPO_ROOT } from './plan';

const USAGE = `Usage: npm run kinema -- <command> [--data-dir DIR]

Talks to the running \`npm start\` (through the control socket in its data directory).
  status                       every process: replica, pid, port, ready, uptime, RSS, CPU, requests
  scale catalog=4[,users=2]    start or drain replicas until that many run (0 to ${MAX_REPLICAS})
  restart catalog              restart a service one replica at a time (zero failed requests)
  restart catalog-2            restart one process (a replica or a stand-in such as kafka)`;

function request(argv: string[]): ControlRequest {
  const [command, argument] = argv;
  if (command === 'status') return { command: 'status' };
  if (command === 'scale' && argument) return { command: 'scale', scale: argument };
  if (command === 'restart' && argument) return { command: 'restart', target: argument };
  throw new Error(USAGE);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string', default: join(REPO_ROOT, '.data') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const message = request(positionals);
  const path = controlSocketPath(values['data-dir']);
  const socket = connect(path);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', () =>
      reject(new Error(`no running \`npm start\` answers on ${path}; start one first`)),
    );
  });
  socket.write(`${JSON.stringify(message)}\n`);
  let ok = false;
  for await (const line of createInterface({ input: socket })) {
    const reply = JSON.parse(line) as ControlReply;
    if (reply.kind === 'progress') process.stdout.write(`  ${reply.text}\n`);
    else if (reply.ok) {
      ok = true;
      process.stdout.write(`${reply.text}\n`);
    } else process.stderr.write(`kinema: ${reply.error}\n`);
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`kinema: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
