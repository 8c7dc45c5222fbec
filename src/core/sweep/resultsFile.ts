/**
 * A results file's JSON Lines as a sweep reads them back: the header, the run and column records,
 * the lines that are not valid records, and the unfinished last line a killed writer leaves.
 */
import type { Settings } from '../settings/schema';
import type { ColumnRecord, RunRecord } from './records';
import { isHeaderLike, readHeader, type SweepHeader } from './header';
import { checkResultRecord } from './recordSchema';

export interface LineProblem {
  /** 1-based line number. */
  line: number;
  reason: string;
}

export interface ResultsFile {
  /** The header and the settings it records; null when the file has none. */
  header: { header: SweepHeader; settings: Settings } | null;
  /** Line of the header (1-based), 0 when there is none. */
  headerLine: number;
  /** Records in file order (duplicates kept). */
  runs: RunRecord[];
  columns: ColumnRecord[];
  /** Complete lines that are not valid records (a second header counts as one). */
  problems: LineProblem[];
  /**
   * The last line when it has no newline after it: what a writer killed mid-line leaves. It is
   * never used as a record; `reason` says whether it also failed to parse.
   */
  unfinished: LineProblem | null;
  /** Length (in UTF-16 code units of `text`) of the complete lines, i.e. up to the last newline. */
  completeLength: number;
}

/**
 * Read JSON Lines text, each record checked by the record schema (`checkResultRecord`; a record
 * without J gets the header's data seed). Blank lines are skipped; the header must come before any record and only once. Never throws.
 */
export function parseResultsText(text: string): ResultsFile {
  const out: ResultsFile = {
    header: null,
    headerLine: 0,
    runs: [],
    columns: [],
    problems: [],
    unfinished: null,
    completeLength: text.lastIndexOf('\n') + 1,
  };
  const lines = text.split('\n');
  const last = lines.length - 1;
  let records = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '').trim();
    if (line === '') continue;
    const lineNo = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === last) out.unfinished = { line: lineNo, reason: 'cut off (not valid JSON)' };
      else out.problems.push({ line: lineNo, reason: 'not valid JSON' });
      continue;
    }
    if (i === last) {
      // Complete JSON but no newline: the writer may have died between the two.
      out.unfinished = { line: lineNo, reason: 'no newline at the end' };
      continue;
    }
    if (isHeaderLike(value)) {
      if (out.header || records > 0) {
        out.problems.push({
          line: lineNo,
          reason: out.header ? 'a second sweep header' : 'a sweep header after records',
        });
        continue;
      }
      const h = readHeader(value);
      if (!h.ok) out.problems.push({ line: lineNo, reason: h.error });
      else {
        out.header = h.value;
        out.headerLine = lineNo;
      }
      continue;
    }
    records++;
    // Records without J were written when the data seed alone chose the batch order.
    const r = checkResultRecord(value, { orderSeed: out.header?.settings.dataSeed ?? 0 });
    if (!r.ok) out.problems.push({ line: lineNo, reason: r.error });
    else if (r.value.type === 'run') out.runs.push(r.value);
    else out.columns.push(r.value);
  }
  return out;
}

/** "line 3: not valid JSON; line 9: …" for the first few problems. */
export function describeProblems(problems: readonly LineProblem[], max = 3): string {
  const shown = problems
    .slice(0, max)
    .map((p) => `line ${p.line}: ${p.reason}`)
    .join('; ');
  return problems.length > max ? `${shown}; and ${problems.length - max} more` : shown;
}
