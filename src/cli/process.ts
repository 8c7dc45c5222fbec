/**
 * What the CLI's entry points share with the process: the I/O handed to a command, the package
 * root (where `public/data/mnist.bin` lives), and the exit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { releaseNodeGpu } from '../node/backend';

/** What a command may touch: output lines, error text, a clock, and the package root. */
export interface CliIo {
  /** Receives each JSON line (without the newline) when --out is -. */
  stdout(line: string): void;
  stderr(text: string): void;
  now(): number;
  /** The repository (or installed package) root: `public/data/mnist.bin` is found under it. */
  repoRoot: string;
}

/**
 * The nearest folder at or above `from` that holds a package.json: the repository root when run
 * from `src/cli/` with tsx, the installed package's root when run from its built `dist-cli/`.
 */
export function packageRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}

/** The `version` field of the package.json at `root`, or 'unknown' when it cannot be read. */
export function packageVersion(root: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Run `command` as this process: real stdout/stderr/clock, exit code from its result, a closed
 * pipe (`... | head`) ends quietly, and a GPU left running is released before exit (a live device
 * can crash the process after the output is written).
 */
export function runAsProcess(
  command: (io: CliIo) => Promise<number>,
  repoRoot: string,
  name: string,
): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  command({
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (text) => process.stderr.write(text),
    now: () => performance.now(),
    repoRoot,
  })
    .then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        process.stderr.write(`${name}: ${String(e)}\n`);
        process.exitCode = 1;
      },
    )
    .finally(releaseNodeGpu);
}
