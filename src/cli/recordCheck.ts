/** The record validator the CLI reads results files with: the one the app's import uses. */
import { checkColumn, checkRun } from '../app/io/importResults';
import type { RecordCheck } from '../core/sweep/resultsFile';

export const checkResultRecord: RecordCheck = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { ok: false, reason: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  if (o['type'] === 'run') return checkRun(o);
  if (o['type'] === 'column') return checkColumn(o);
  return {
    ok: false,
    reason:
      o['type'] === undefined
        ? 'missing "type"'
        : `unknown type ${JSON.stringify(o['type']).slice(0, 30)}`,
  };
};
