/**
 * The bench's flags. Kept to this one function so it can move onto the project's shared flag
 * parser without touching the sections.
 */
import { SECTIONS, type Options, type Section } from './types';

export const USAGE = `usage: npm run bench -- [--quick] [--no-browser] [--allow-software] [--out FILE] [--only ${SECTIONS.join(',')}]

  --quick           fewer configurations and repetitions; leaves out the quick-demo fill
  --no-browser      leave out the browser section
  --allow-software  on a software GPU adapter (SwiftShader) also run the gpu section's larger
                    configurations and its ensemble
  --out FILE        where the Markdown report goes (default docs/BENCH.md)
  --only SECTIONS   comma-separated subset of: ${SECTIONS.join(', ')}
  --help            this text
`;

/** Parsed flags, a request for USAGE, or the message that says what is wrong with them. */
export type ParsedFlags =
  | { ok: true; options: Options }
  | { ok: false; help: true }
  | { ok: false; help?: never; error: string };

export function parseBenchFlags(argv: readonly string[]): ParsedFlags {
  const o: Options = {
    quick: false,
    allowSoftware: false,
    out: 'docs/BENCH.md',
    sections: new Set(SECTIONS),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return { ok: false, help: true };
    else if (a === '--quick') o.quick = true;
    else if (a === '--allow-software') o.allowSoftware = true;
    else if (a === '--no-browser') o.sections.delete('browser');
    else if (a === '--out' || a === '--only') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--'))
        return { ok: false, error: `${a} needs a value` };
      i++;
      if (a === '--out') o.out = value;
      else {
        const names = value.split(',').map((s) => s.trim());
        const bad = names.filter((n) => !SECTIONS.includes(n as Section));
        if (bad.length > 0)
          return {
            ok: false,
            error: `--only: unknown section ${bad.join(', ')} (known: ${SECTIONS.join(', ')})`,
          };
        o.sections = new Set(names as Section[]);
      }
    } else return { ok: false, error: `unknown flag ${a}` };
  }
  return { ok: true, options: o };
}
