/**
 * The one command-line flag parser: the sweep CLI (flags.ts) and the scripts (scripts/validate.ts)
 * describe their flags as `FlagSpec`s and parse argv with `parseArgv`. A setting's flag comes
 * from its schema row (`settingFlag`), so it reads and checks values exactly as links do.
 *
 * Grammar: `--flag value` or `--flag=value`; a switch (`--quiet`) takes no value but accepts
 * `--quiet=0`. Every error names the flag or the argument; errors are values.
 */
import {
  cloneDefaults,
  formatField,
  parseField,
  parseYesNo,
  type Parsed,
} from '../core/settings/codec';
import { rowFor, type SettingKey, type Settings } from '../core/settings/schema';

export interface FlagSpec<T> {
  /** The flag without the leading dashes. */
  readonly flag: string;
  /** What the value looks like in --help (`DIR`, `wasm|cpu`); empty for a switch. */
  readonly arg: string;
  readonly help: string;
  /** A switch needs no value: `--quiet` means `--quiet=1`. */
  readonly isSwitch?: boolean;
  /** Text to value; the error says what is wrong, without the flag (the parser adds it). */
  parse(text: string): Parsed<T>;
}

/** Flags by the name their values come back under. */
export type FlagSpecs = Readonly<Record<string, FlagSpec<unknown> | undefined>>;

/** The values of the flags given (absent: not given; callers hold the defaults). */
export type FlagValues<S extends FlagSpecs> = {
  [K in keyof S]?: NonNullable<S[K]> extends FlagSpec<infer T> ? T : never;
};

export type ArgvResult<S extends FlagSpecs> =
  { ok: true; values: FlagValues<S> } | { ok: false; error: string };

/** Parse argv (without node and script) against `specs`. */
export function parseArgv<S extends FlagSpecs>(argv: readonly string[], specs: S): ArgvResult<S> {
  const byFlag = new Map<string, [string, FlagSpec<unknown>]>();
  for (const [name, spec] of Object.entries(specs)) {
    if (!spec) continue;
    if (byFlag.has(spec.flag)) throw new Error(`flag --${spec.flag} is defined twice`);
    byFlag.set(spec.flag, [name, spec]);
  }
  const values: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--'))
      return {
        ok: false,
        error: `unexpected argument ${JSON.stringify(arg)} (flags start with --)`,
      };
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const entry = byFlag.get(flag);
    if (!entry) return { ok: false, error: `unknown flag --${flag} (see --help)` };
    const [name, spec] = entry;
    if (seen.has(flag)) return { ok: false, error: `--${flag} given twice` };
    seen.add(flag);
    let text: string;
    if (eq >= 0) text = arg.slice(eq + 1);
    else if (spec.isSwitch) text = '1';
    else {
      const next = argv[i + 1];
      // A lone `--` may be a value; anything longer starting with -- is the next flag.
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        return { ok: false, error: `--${flag} needs a value` };
      text = next;
      i++;
    }
    const parsed = spec.parse(text);
    if (!parsed.ok) return { ok: false, error: `--${flag}: ${parsed.error}` };
    values[name] = parsed.value;
  }
  return { ok: true, values: values as FlagValues<S> };
}

/** --help lines for `specs`, in their order: the flag and its value, then the help indented. */
export function flagHelp(specs: FlagSpecs): string[] {
  const lines: string[] = [];
  for (const spec of Object.values(specs)) {
    if (!spec) continue;
    lines.push(`  --${spec.flag}${spec.arg ? ` ${spec.arg}` : ''}`);
    lines.push(`      ${spec.help}`);
  }
  return lines;
}

/**
 * The flag of a setting, from its schema row: the row's flag, parser and range, and its help
 * with the default. `flag` and `help` may be replaced, for a script whose flag means something
 * narrower (validate's `--wide-seeds` is a list of seeds).
 */
export function settingFlag<K extends SettingKey>(
  key: K,
  override: { flag?: string; help?: string } = {},
): FlagSpec<Settings[K]> {
  const row = rowFor(key);
  const arg =
    row.kind === 'enum'
      ? (row.options as readonly string[]).join('|')
      : row.kind === 'bool'
        ? ''
        : 'VALUE';
  const value = cloneDefaults()[key];
  const flag = override.flag ?? row.flag;
  // A switch is on by naming it; its default says how to turn it the other way.
  const def =
    row.kind === 'bool'
      ? value
        ? `on; --${flag}=0 turns it off`
        : 'off'
      : formatField(row, value);
  return {
    flag,
    arg,
    help: override.help ?? `${row.help} (default ${def})`,
    isSwitch: row.kind === 'bool',
    parse: (text) => parseField(row, text) as Parsed<Settings[K]>,
  };
}

/** A yes/no flag: `--quiet`, `--quiet=0`. */
export function switchFlag(flag: string, help: string): FlagSpec<boolean> {
  return {
    flag,
    arg: '',
    help,
    isSwitch: true,
    parse: parseYesNo,
  };
}

/** A flag whose value is free text that must not be empty (a file, a folder). */
export function textFlag(flag: string, arg: string, help: string, needs: string): FlagSpec<string> {
  return {
    flag,
    arg,
    help,
    parse: (text) =>
      text.trim() === '' ? { ok: false, error: `needs ${needs}` } : { ok: true, value: text },
  };
}

/** A flag with a fixed set of values. */
export function choiceFlag<T extends string>(
  flag: string,
  options: readonly T[],
  help: string,
): FlagSpec<T> {
  return {
    flag,
    arg: options.join('|'),
    help,
    parse: (text) => {
      const v = options.find((o) => o === text);
      return v === undefined
        ? { ok: false, error: `${JSON.stringify(text)} is not one of ${options.join(', ')}` }
        : { ok: true, value: v };
    },
  };
}
