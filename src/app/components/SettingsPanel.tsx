import { SCHEMA, rowFor, type SettingKey, type Settings } from '../../core/settings/schema';
import { crossFieldError } from '../settingsChecks';
import { useServices } from '../services';
import { withCoupling } from '../store/settingsSlice';
import { useApp } from '../store/store';
import { DatasetPanel } from './DatasetPanel';
import { SettingField } from './SettingField';

const GROUPS: { title: string; keys: SettingKey[]; fcnOnly?: SettingKey[]; advanced?: boolean }[] =
  [
    { title: 'Data', keys: ['dataset'] },
    {
      title: 'Model',
      keys: ['model', 'activation', 'param', 'readout', 'bias', 'centered'],
      fcnOnly: ['activation', 'param', 'readout', 'bias', 'centered'],
    },
    { title: 'Sweep', keys: ['depths', 'widths', 'cGrid', 'seeds'], fcnOnly: ['depths'] },
    {
      title: 'Training',
      keys: ['steps', 'batch', 'trainSize', 'measureSize', 'loss', 'dataSeed'],
      fcnOnly: ['batch', 'trainSize', 'measureSize', 'loss', 'dataSeed'],
    },
    {
      title: 'Advanced',
      keys: [
        'search',
        'bisectResolution',
        'lanczosTol',
        'lanczosMaxIters',
        'sharpEpsilon',
        'divergenceLoss',
      ],
      advanced: true,
    },
  ];

/** Shown elsewhere (the diagram's toolbar). */
const ELSEWHERE: readonly SettingKey[] = ['axis'];

/** Rows no group names (a setting added to the schema later) land in Advanced: every row gets a control. */
const PLACED = new Set<SettingKey>([...GROUPS.flatMap((g) => g.keys), ...ELSEWHERE]);
const ADVANCED = GROUPS.find((g) => g.advanced);
if (ADVANCED) ADVANCED.keys.push(...SCHEMA.map((r) => r.key).filter((k) => !PLACED.has(k)));

/** Every setting of the schema as a control, grouped; locked while a sweep runs. */
export function SettingsPanel() {
  const { store } = useServices();
  const settings = useApp((s) => s.settings);
  // Results shown from a link or shipped with the app give way to a settings change.
  const locked = useApp(
    (s) =>
      (s.imported !== null && (s.imported.source ?? 'file') === 'file') ||
      s.status === 'starting' ||
      s.status === 'running' ||
      s.status === 'paused' ||
      s.status === 'stopping',
  );
  const imported = useApp((s) => s.imported !== null && (s.imported.source ?? 'file') === 'file');
  const uv = settings.model === 'uv';

  const commit =
    (key: SettingKey) =>
    (value: Settings[SettingKey]): string | null => {
      const current = store.getState().settings;
      const next = withCoupling(current, key, value as never);
      const problem = crossFieldError(next);
      if (problem) return problem;
      store.getState().setSetting(key, value as never);
      return null;
    };

  const field = (key: SettingKey) => (
    <SettingField
      key={key}
      row={rowFor(key)}
      value={settings[key]}
      disabled={locked}
      onCommit={commit(key)}
    />
  );

  return (
    <form className="settings" aria-label="Sweep settings" onSubmit={(e) => e.preventDefault()}>
      {locked ? (
        <p className="settings-locked" role="note">
          {imported
            ? 'Viewing imported results: close them to change settings.'
            : 'Settings are locked while a sweep runs: press Stop to change them.'}
        </p>
      ) : null}
      {GROUPS.map((g) => {
        const keys = g.keys.filter((k) => !(uv && g.fcnOnly?.includes(k)));
        const body = (
          <>
            {keys.map(field)}
            {g.title === 'Data' ? <DatasetPanel /> : null}
          </>
        );
        return g.advanced ? (
          <details key={g.title} className="settings-group">
            <summary>{g.title}</summary>
            {body}
          </details>
        ) : (
          <fieldset key={g.title} className="settings-group">
            <legend>{g.title}</legend>
            {body}
          </fieldset>
        );
      })}
    </form>
  );
}
