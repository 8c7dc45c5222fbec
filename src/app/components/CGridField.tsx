import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useReportFieldError } from '../hooks/useReportFieldError';
import { expandCGrid, formatCGrid, parseField } from '../../core/settings/codec';
import type { CGrid, RowOf, Settings, SettingKey } from '../../core/settings/schema';
import { HelpToggle } from './HelpToggle';
import { TYPING_COMMIT_MS } from './SettingField';

interface Props {
  row: RowOf<'cGrid'>;
  value: CGrid;
  disabled: boolean;
  helpId: string;
  onCommit(value: Settings[SettingKey]): string | null;
}

function num(v: number): string {
  return String(Math.round(v * 1e6) / 1e6);
}

function summary(grid: CGrid): string {
  const cs = expandCGrid(grid);
  if (cs.length === 0) return 'no values';
  const first = cs[0]!;
  const last = cs[cs.length - 1]!;
  const fmt = (c: number): string =>
    c >= 100 ? c.toFixed(0) : c.toPrecision(3).replace(/\.?0+$/, '');
  return cs.length === 1
    ? `c = ${fmt(first)}`
    : `c = ${fmt(first)} … ${fmt(last)}, ${cs.length} values`;
}

/**
 * The c grid: c = 2^x for x = start..stop in steps (three numbers), or an explicit list. Both
 * are checked by the schema's parser; invalid input is refused with the parser's message.
 */
export function CGridField({ row, value, disabled, helpId, onCommit }: Props) {
  const uid = useId();
  const errorId = `${uid}-error`;
  const [mode, setMode] = useState<CGrid['kind']>(value.kind);
  const [start, setStart] = useState(value.kind === 'log2' ? num(value.start) : '0');
  const [stop, setStop] = useState(value.kind === 'log2' ? num(value.stop) : '4');
  const [step, setStep] = useState(value.kind === 'log2' ? num(value.step) : '0.25');
  const [list, setList] = useState(value.kind === 'list' ? formatCGrid(value) : '1,2,4');
  const [error, setError] = useState<string | null>(null);
  useReportFieldError('cGrid', error);
  const formatted = formatCGrid(value);

  type Parts = { start: string; stop: string; step: string; list: string };
  const textOf = (m: CGrid['kind'], parts: Parts): string =>
    m === 'log2'
      ? `log2:${parts.start.trim()}:${parts.stop.trim()}:${parts.step.trim()}`
      : parts.list;
  const typedRef = useRef({ mode, parts: { start, stop, step, list } });
  typedRef.current = { mode, parts: { start, stop, step, list } };
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancelPending = (): void => {
    if (pending.current !== null) clearTimeout(pending.current);
    pending.current = null;
  };
  useEffect(() => cancelPending, []);

  useEffect(() => {
    // A grid committed from what is being typed leaves the text as typed (no caret jump).
    const typed = parseField(row, textOf(typedRef.current.mode, typedRef.current.parts));
    if (typed.ok && formatCGrid(typed.value as CGrid) === formatted) return;
    cancelPending();
    setMode(value.kind);
    if (value.kind === 'log2') {
      setStart(num(value.start));
      setStop(num(value.stop));
      setStep(num(value.step));
    } else setList(formatCGrid(value));
    setError(null);
    // `formatted` captures every field of the value.
  }, [formatted]);

  const validate = (t: string): ReturnType<typeof parseField> => {
    const parsed = parseField(row, t);
    setError(parsed.ok ? null : `${row.label}: ${parsed.error}`);
    return parsed;
  };

  const commit = (m: CGrid['kind'], parts: Parts): void => {
    cancelPending();
    const parsed = validate(textOf(m, parts));
    if (!parsed.ok) return;
    if (formatCGrid(parsed.value as CGrid) === formatted) return;
    const refused = onCommit(parsed.value);
    if (refused) setError(`${row.label}: ${refused}`);
  };

  const parts = { start, stop, step, list };
  /** After a keystroke: check at once, commit once typing pauses (the counts follow). */
  const typed = (next: Parts): void => {
    cancelPending();
    if (validate(textOf(mode, next)).ok)
      pending.current = setTimeout(() => commit(mode, next), TYPING_COMMIT_MS);
  };
  const describedBy = [helpId, error ? errorId : null].filter(Boolean).join(' ');
  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') commit(mode, parts);
  };
  const input = (
    label: string,
    v: string,
    set: (s: string) => void,
    key: 'start' | 'stop' | 'step',
  ) => (
    <label className="cgrid-part">
      <span>{label}</span>
      <input
        type="text"
        inputMode="decimal"
        spellCheck={false}
        autoComplete="off"
        value={v}
        disabled={disabled}
        aria-invalid={error !== null}
        aria-describedby={describedBy}
        onChange={(e) => {
          set(e.target.value);
          typed({ ...parts, [key]: e.target.value });
        }}
        onBlur={() => commit(mode, parts)}
        onKeyDown={onKey}
      />
    </label>
  );

  const parsedNow = parseField(row, textOf(mode, parts));
  return (
    <fieldset className="field field-cgrid">
      <legend className="field-head">
        <span title={row.help}>{row.label}</span>
        <HelpToggle id={helpId} label={row.label} help={row.help} />
      </legend>
      <div className="cgrid-mode" role="radiogroup" aria-label="c grid kind">
        {(['log2', 'list'] as const).map((m) => (
          <label key={m}>
            <input
              type="radio"
              name={`${uid}-mode`}
              value={m}
              checked={mode === m}
              disabled={disabled}
              onChange={() => {
                setMode(m);
                commit(m, parts);
              }}
            />
            {m === 'log2' ? 'log₂ range' : 'list'}
          </label>
        ))}
      </div>
      {mode === 'log2' ? (
        <div className="cgrid-parts">
          {input('log₂ c from', start, setStart, 'start')}
          {input('to', stop, setStop, 'stop')}
          {input('step', step, setStep, 'step')}
        </div>
      ) : (
        <input
          id="setting-cGrid"
          type="text"
          spellCheck={false}
          autoComplete="off"
          aria-label="c values, comma separated"
          placeholder="e.g. 1,2,4,8"
          value={list}
          disabled={disabled}
          aria-invalid={error !== null}
          aria-describedby={describedBy}
          onChange={(e) => {
            setList(e.target.value);
            typed({ ...parts, list: e.target.value });
          }}
          onBlur={() => commit(mode, parts)}
          onKeyDown={onKey}
        />
      )}
      <p className="cgrid-summary">{parsedNow.ok ? summary(parsedNow.value as CGrid) : '—'}</p>
      {error ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
