/**
 * Rules across settings, written once. Each check has an id, a predicate, its words and a fix;
 * every consumer runs the same list through `runChecks` and differs only in what it does with a
 * conflict:
 *
 * - the URL decoder applies the fix and reports `words; using …` (a link always opens);
 * - the settings form refuses the edit with the words (`editSetting`);
 * - the CLI exits 2 with the words (src/cli/flags.ts).
 *
 * The words name settings through a `NameSetting`: the CLI by flag (`--batch 4096`), the app by
 * label (`batch B = 4096`), so the sentence is the same everywhere and each reader finds the
 * setting where they set it.
 */
import { depthIssue, modelInfo } from '../models/kinds';
import { formatField } from './codec';
import {
  DEFAULTS,
  SCHEMA,
  rowApplies,
  rowFor,
  type ModelName,
  type SettingKey,
  type Settings,
} from './schema';

/** How a message names a setting and its value. */
export type NameSetting = (key: SettingKey, value: Settings[SettingKey]) => string;

/** The CLI's names: the flag and its value, e.g. `--batch 4096`. */
export const nameByFlag: NameSetting = (key, value) => {
  const row = rowFor(key);
  return `--${row.flag} ${formatField(row, value)}`;
};

/** The app's names: the form label and the value, e.g. `batch B = 4096`. */
export const nameByLabel: NameSetting = (key, value) => {
  const row = rowFor(key);
  // Mid-sentence, so the label's capital goes; labels are plain words ("Batch B", "Model").
  const label = row.label.charAt(0).toLowerCase() + row.label.slice(1);
  return `${label} = ${formatField(row, value)}`;
};

export type CheckId =
  | 'uv-is-its-own-dataset'
  | 'depths-fit-model'
  | 'batch-within-train-size'
  | 'measure-within-train-size';

export interface SettingsCheck {
  readonly id: CheckId;
  /**
   * The settings the rule reads. It applies to a model when they all do (the form hides the
   * others), and the fix changes only these.
   */
  readonly keys: readonly SettingKey[];
  /**
   * `follow`: one setting determines the other, so the one the user did not set follows the one
   * they set, without a word; only settings given together that disagree are a conflict.
   * `refuse`: any combination that breaks the rule is a conflict.
   */
  readonly mode: 'follow' | 'refuse';
  /**
   * For a `follow` check where only one side follows: the key that leads. The other keys follow
   * it without a word when it alone is set (a new model brings depths it has), but an edit of a
   * follower alone that breaks the rule is a conflict (a depth the model does not have).
   */
  readonly leads?: SettingKey;
  /** True when `s` keeps the rule. */
  holds(s: Settings): boolean;
  /** What is wrong with `s`, naming settings with `name`. */
  words(s: Settings, name: NameSetting): string;
  /**
   * Settings that keep the rule. `kept` is the one key the user set (null: none or several),
   * which a follow fix leaves as it is.
   */
  fix(s: Settings, kept: SettingKey | null): Settings;
}

/** The checks, in the order they are applied (the uv coupling first: it can change the model). */
export const CHECKS: readonly SettingsCheck[] = [
  {
    id: 'uv-is-its-own-dataset',
    keys: ['model', 'dataset'],
    mode: 'follow',
    holds: (s) => (s.model === 'uv') === (s.dataset === 'uv'),
    words: (s, name) =>
      `${name('model', s.model)} contradicts ${name('dataset', s.dataset)}: the uv model is its own dataset`,
    fix: (s, kept) => {
      if (kept === 'dataset') return { ...s, model: s.dataset === 'uv' ? 'uv' : DEFAULTS.model };
      if (kept === 'model') return { ...s, dataset: s.model === 'uv' ? 'uv' : DEFAULTS.dataset };
      // Neither or both set: the uv side wins, as the link or flag that names uv means that model.
      return { ...s, model: 'uv', dataset: 'uv' };
    },
  },
  {
    id: 'depths-fit-model',
    keys: ['model', 'depths'],
    mode: 'follow',
    leads: 'model',
    holds: (s) => s.depths.every((d) => depthIssue(s.model, d) === null),
    words: (s, name) => {
      const bad = s.depths.find((d) => depthIssue(s.model, d) !== null) ?? 0;
      return `${name('depths', s.depths)} does not fit ${name('model', s.model)}: ${depthIssue(s.model, bad) ?? ''}`;
    },
    // Keep the depths the model has; none left: its first depth (Myrtle-5, ResNet-18).
    fix: (s) => {
      const kept = s.depths.filter((d) => depthIssue(s.model, d) === null);
      const first = modelInfo(s.model).depths?.[0] ?? DEFAULTS.depths[0] ?? 1;
      return { ...s, depths: kept.length > 0 ? kept : [first] };
    },
  },
  {
    id: 'batch-within-train-size',
    keys: ['batch', 'trainSize'],
    mode: 'refuse',
    holds: (s) => s.batch <= s.trainSize,
    words: (s, name) => `${name('batch', s.batch)} exceeds ${name('trainSize', s.trainSize)}`,
    fix: (s) => ({ ...s, batch: s.trainSize }),
  },
  {
    id: 'measure-within-train-size',
    keys: ['measureSize', 'trainSize'],
    mode: 'refuse',
    holds: (s) => s.measureSize <= s.trainSize,
    words: (s, name) =>
      `${name('measureSize', s.measureSize)} exceeds ${name('trainSize', s.trainSize)}`,
    fix: (s) => ({ ...s, measureSize: s.trainSize }),
  },
];

/** Whether `check` means anything for `model`: every setting it reads applies to the model. */
export function checkApplies(check: SettingsCheck, model: ModelName): boolean {
  return check.keys.every((k) => rowApplies(rowFor(k), model));
}

/** A check the settings broke, as the user must hear of it. */
export interface Conflict {
  readonly check: SettingsCheck;
  /** The settings that broke it, and the same after its fix. */
  readonly before: Settings;
  readonly after: Settings;
  /** The settings the fix changed. */
  readonly changed: readonly SettingKey[];
}

/** What is wrong, e.g. `--batch 4096 exceeds --train-size 1000`. */
export function conflictWords(c: Conflict, name: NameSetting): string {
  return c.check.words(c.before, name);
}

/** What is wrong and how it was fixed, e.g. `batch B = 4096 exceeds … N = 2048; using batch B = 2048`. */
export function conflictFixWords(c: Conflict, name: NameSetting): string {
  const using = c.changed.map((k) => name(k, c.after[k])).join(', ');
  return `${conflictWords(c, name)}; using ${using}`;
}

/** Every setting key, for callers that set all of them at once (a preset, an import). */
export const ALL_KEYS: ReadonlySet<SettingKey> = new Set(SCHEMA.map((r) => r.key));

/**
 * Applies every check in order to `input`, of which the user set the keys in `given`.
 *
 * Returns settings that keep every rule, and the conflicts the user must hear of: each broken
 * `refuse` check, and each `follow` check whose keys were all given, that applies to the model.
 * A check that does not apply to the model (the batch of the uv model) is fixed without a word,
 * so the settings stay valid should the model change back.
 */
export function runChecks(
  input: Settings,
  given: ReadonlySet<SettingKey>,
): { settings: Settings; conflicts: Conflict[] } {
  let s = input;
  const conflicts: Conflict[] = [];
  for (const check of CHECKS) {
    if (check.holds(s)) continue;
    const givenKeys = check.keys.filter((k) => given.has(k));
    const kept = givenKeys.length === 1 ? givenKeys[0]! : null;
    const after = check.fix(s, kept);
    const followerAlone =
      check.leads !== undefined && givenKeys.length > 0 && !givenKeys.includes(check.leads);
    const heard =
      checkApplies(check, s.model) &&
      (check.mode === 'refuse' || givenKeys.length === check.keys.length || followerAlone);
    if (heard) {
      const changed = check.keys.filter(
        (k) => formatField(rowFor(k), s[k]) !== formatField(rowFor(k), after[k]),
      );
      conflicts.push({ check, before: s, after, changed });
    }
    s = after;
  }
  return { settings: s, conflicts };
}

/**
 * The form's edit: `key` set to `value`, followers (the uv coupling) moved along. `refused` is the
 * first conflict the edit makes, which the form shows instead of applying the edit; `settings`
 * are the settings to hold when it is null.
 */
export function editSetting<K extends SettingKey>(
  s: Settings,
  key: K,
  value: Settings[K],
): { settings: Settings; refused: Conflict | null } {
  const next: Settings = { ...s, [key]: value };
  const { settings, conflicts } = runChecks(next, new Set([key]));
  return { settings, refused: conflicts[0] ?? null };
}

/** The conflicts of settings given all at once (a preset, a results file): empty when valid. */
export function conflicts(s: Settings): Conflict[] {
  return runChecks(s, ALL_KEYS).conflicts;
}
