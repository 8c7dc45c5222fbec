import type { ReactNode } from 'react';
import { conflictWords, editSetting, nameByLabel } from '../../core/settings/checks';
import {
  GROUPS,
  SCHEMA,
  rowApplies,
  type SettingKey,
  type Settings,
} from '../../core/settings/schema';
import { useServices } from '../services';
import { useApp } from '../store/store';
import { sweepInProgress } from '../store/sweepSlice';
import { DatasetPanel } from './DatasetPanel';
import { SettingField } from './SettingField';
import { usePanelOpen } from '../hooks/usePanelOpen';

/** A group shown folded (Advanced): whether it is open travels in the link as a panel. */
function CollapsedGroup({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ReactNode;
}) {
  const [open, setOpen] = usePanelOpen(id, false);
  return (
    <details
      className="settings-group"
      open={open}
      onToggle={(e) => {
        if (e.currentTarget.open !== open) setOpen(e.currentTarget.open);
      }}
    >
      <summary>{title}</summary>
      {children}
    </details>
  );
}

/** The form's groups, in the table's order; the diagram's settings live on its toolbar. */
const FORM_GROUPS = GROUPS.filter((g) => g.placement !== 'diagram');

/**
 * Every setting of the schema as a control, grouped as its row says and shown for the models it
 * applies to; locked while a sweep runs.
 */
export function SettingsPanel() {
  const { store } = useServices();
  const settings = useApp((s) => s.settings);
  // Results shown from a link or shipped with the app give way to a settings change.
  const locked = useApp(
    (s) =>
      (s.imported !== null && (s.imported.source ?? 'file') === 'file') ||
      sweepInProgress(s.status),
  );
  const imported = useApp((s) => s.imported !== null && (s.imported.source ?? 'file') === 'file');

  // An edit that breaks a rule across settings is refused with the rule's words (the same the
  // link notice and the CLI use), so the store, and so Run, only ever see settings that keep them.
  const commit =
    (key: SettingKey) =>
    (value: Settings[SettingKey]): string | null => {
      const { refused } = editSetting(store.getState().settings, key, value);
      if (refused) return conflictWords(refused, nameByLabel);
      store.getState().setSetting(key, value as never);
      return null;
    };

  return (
    <form className="settings" aria-label="Sweep settings" onSubmit={(e) => e.preventDefault()}>
      {locked ? (
        <p className="settings-locked" role="note">
          {imported
            ? 'Viewing imported results: close them to change settings.'
            : 'Settings are locked while a sweep runs: press Stop to change them.'}
        </p>
      ) : null}
      {FORM_GROUPS.map((g) => {
        const rows = SCHEMA.filter((r) => r.group === g.id && rowApplies(r, settings.model));
        const body = (
          <>
            {rows.map((row) => (
              <SettingField
                key={row.key}
                row={row}
                value={settings[row.key]}
                disabled={locked}
                onCommit={commit(row.key)}
              />
            ))}
            {g.id === 'data' ? <DatasetPanel /> : null}
          </>
        );
        return g.placement === 'collapsed' ? (
          <CollapsedGroup key={g.id} id={g.id} title={g.title}>
            {body}
          </CollapsedGroup>
        ) : (
          <fieldset key={g.id} className="settings-group">
            <legend>{g.title}</legend>
            {body}
          </fieldset>
        );
      })}
    </form>
  );
}
