/**
 * The `phase-explorer` command: `phase-explorer <command> [flags]`, plus `--help` and
 * `--version`. Built to plain JavaScript (`npm run build:cli` → dist-cli/phase-explorer.js), so
 * an installed package runs it with Node alone. A command is one row of COMMANDS.
 * Exit codes: those of the command; 2 for an unknown command.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main as sweep } from './main';
import { packageRoot, packageVersion, runAsProcess, type CliIo } from './process';

export interface Command {
  /** One line for `phase-explorer --help`. */
  summary: string;
  /** Runs with the arguments after the command's name; resolves to the exit code. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** Every subcommand, by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  sweep: {
    summary: 'run a phase-diagram sweep headless; JSON Lines of runs and columns out',
    run: sweep,
  },
};

/** The text of `phase-explorer --help`. */
export function usage(version: string): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    `phase-explorer ${version}: the early-training phase diagram of Kalra & Barkeshli (NeurIPS 2023), headless`,
    '',
    'Usage: phase-explorer <command> [flags]',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]!.summary}`),
    '',
    'Options:',
    "  --help, -h     show this help (phase-explorer <command> --help: that command's flags)",
    '  --version, -V  print the version',
  ].join('\n');
}

/** Dispatch `argv` (the arguments after the program name) to a command; resolves to the exit code. */
export async function dispatch(
  argv: readonly string[],
  io: CliIo,
  version: string,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(`${usage(version)}\n`);
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout(usage(version));
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(version);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (command === undefined) {
    io.stderr(
      `phase-explorer: unknown command '${first}'; commands: ${Object.keys(COMMANDS).join(', ')} (phase-explorer --help)\n`,
    );
    return 2;
  }
  return command.run(rest, io);
}

/** Whether this module is the program Node was started with (through npm's bin link, too). */
function isEntry(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return fs.realpathSync(argv1) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  const root = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
  runAsProcess(
    (io) => dispatch(process.argv.slice(2), io, packageVersion(root)),
    root,
    'phase-explorer',
  );
}
