import { useEffect, useId, useState, type KeyboardEvent } from 'react';
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

  // A preset or a new link replaces the value: show it.
  useEffect(() => {
    setText(formatted);
    setError(null);
  }, [formatted]);

  const commitText = (t: string): void => {
    const parsed = parseField(row, t);
    if (!parsed.ok) {
      setError(`${row.label}: ${parsed.error}`);
      return;
    }
    if (formatField(row, parsed.value) === formatted) {
      setError(null);
      setText(formatted);
      return;
    }
    const refused = onCommit(parsed.value);
    setError(refused ? `${row.label}: ${refused}` : null);
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
        setText(formatted);
        setError(null);
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
        onChange={(e) => {
          setText(e.target.value);
          const parsed = parseField(row, e.target.value);
          setError(parsed.ok ? null : `${row.label}: ${parsed.error}`);
        }}
        onBlur={() => commitText(text)}
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
