import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { formatField, parseField } from '../../core/settings/codec';
import type { Row, Settings, SettingKey } from '../../core/settings/schema';
import { useReportFieldError } from '../hooks/useReportFieldError';
import { CGridField } from './CGridField';
import { HelpToggle } from './HelpToggle';

export interface SettingFieldProps {
  row: Row;
  value: Settings[SettingKey];
  disabled: boolean;
  /** Commit a parsed value; returns an error message when the combination is refused. */
  onCommit(value: Settings[SettingKey]): string | null;
}

const TEXT_KINDS = new Set(['int', 'number', 'intList']);

/**
 * Typed text is committed this long after the last keystroke (when it parses), so that the
 * planned cell count, the Run button's estimate and the diagram's axes follow the typing
 * without a commit, a link rewrite and a results lookup for every character.
 */
export const TYPING_COMMIT_MS = 120;

function placeholder(row: Row): string | undefined {
  if (row.kind === 'intList')
    return row.allowEmpty === true ? 'e.g. 0,1,2 (or empty)' : 'e.g. 64,128,256';
  if (row.kind === 'int' || row.kind === 'number') return `${row.min} – ${row.max}`;
  return undefined;
}

/** One control generated from its schema row: label, widget, help, and inline validation. */
export function SettingField({ row, value, disabled, onCommit }: SettingFieldProps) {
  const uid = useId();
  const id = `setting-${row.key}`;
  const helpId = `${uid}-help`;
  const errorId = `${uid}-error`;
  const formatted = formatField(row, value);
  const [text, setText] = useState(formatted);
  const [error, setError] = useState<string | null>(null);
  useReportFieldError(row.key, error);
  const textRef = useRef(text);
  textRef.current = text;
  /** The value when the field took focus: Escape goes back to it. */
  const atFocus = useRef<string | null>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancelPending = (): void => {
    if (pending.current !== null) clearTimeout(pending.current);
    pending.current = null;
  };
  useEffect(() => cancelPending, []);

  // A preset or a new link replaces the value: show it. A value committed from the text being
  // typed leaves that text alone ("64, 128" stays as typed, the caret where it is).
  useEffect(() => {
    const typed = parseField(row, textRef.current);
    if (typed.ok && formatField(row, typed.value) === formatted) return;
    cancelPending();
    setText(formatted);
    setError(null);
  }, [formatted, row]);

  /** Commit the text if it parses; returns its canonical form when it is the value now. */
  const commitText = (t: string): string | null => {
    cancelPending();
    const parsed = parseField(row, t);
    if (!parsed.ok) {
      setError(`${row.label}: ${parsed.error}`);
      return null;
    }
    const canonical = formatField(row, parsed.value);
    if (canonical === formatted) {
      setError(null);
      return canonical;
    }
    const refused = onCommit(parsed.value);
    setError(refused ? `${row.label}: ${refused}` : null);
    return refused ? null : canonical;
  };

  const describedBy = [helpId, error ? errorId : null].filter(Boolean).join(' ');
  const label = (
    <label htmlFor={id} title={row.help}>
      {row.label}
    </label>
  );

  let control;
  if (row.kind === 'enum') {
    const labels: Readonly<Record<string, string | undefined>> = row.optionLabels ?? {};
    control = (
      <select
        id={id}
        value={String(value)}
        disabled={disabled}
        aria-describedby={describedBy}
        onChange={(e) => commitText(e.target.value)}
      >
        {(row.options as readonly string[]).map((o) => (
          <option key={o} value={o}>
            {labels[o] ?? o}
          </option>
        ))}
      </select>
    );
  } else if (row.kind === 'bool') {
    return (
      <div className="field field-bool">
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          disabled={disabled}
          aria-describedby={describedBy}
          onChange={(e) => commitText(e.target.checked ? '1' : '0')}
        />
        {label}
        <HelpToggle id={helpId} label={row.label} help={row.help} />
        {error ? (
          <p id={errorId} className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    );
  } else if (row.kind === 'cGrid') {
    return (
      <CGridField
        row={row}
        value={value as Settings['cGrid']}
        disabled={disabled}
        helpId={helpId}
        onCommit={onCommit}
      />
    );
  } else if (TEXT_KINDS.has(row.kind)) {
    const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
      if (e.key === 'Enter') commitText(text);
      if (e.key === 'Escape') {
        // Back to the value before this edit, which typing may have committed already.
        const before = atFocus.current ?? formatted;
        setText(before);
        commitText(before);
      }
    };
    control = (
      <input
        id={id}
        type="text"
        inputMode={row.kind === 'int' ? 'numeric' : 'decimal'}
        spellCheck={false}
        autoComplete="off"
        value={text}
        placeholder={placeholder(row)}
        disabled={disabled}
        aria-invalid={error !== null}
        aria-describedby={describedBy}
        onFocus={() => {
          atFocus.current = formatted;
        }}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          const parsed = parseField(row, t);
          setError(parsed.ok ? null : `${row.label}: ${parsed.error}`);
          cancelPending();
          if (parsed.ok) pending.current = setTimeout(() => commitText(t), TYPING_COMMIT_MS);
        }}
        onBlur={() => {
          atFocus.current = null;
          // Leaving the field shows the value as the link and the CLI write it.
          const canonical = commitText(text);
          if (canonical !== null) setText(canonical);
        }}
        onKeyDown={onKey}
      />
    );
  }

  return (
    <div className={`field field-${row.kind}`}>
      <div className="field-head">
        {label}
        <HelpToggle id={helpId} label={row.label} help={row.help} />
      </div>
      {control}
      {error ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
