import { rowFor, type SettingKey } from '../../core/settings/schema';
import { useServices } from '../services';
import { useApp } from '../store/store';

function fieldName(key: string): string {
  if (key === 'v') return 'Link version';
  if (key === 'hash') return 'Link';
  try {
    return rowFor(key as SettingKey).label;
  } catch {
    return key;
  }
}

/** Problems in the opened link: each names its field; the app carries on with the defaults. */
export function UrlNotice() {
  const { store } = useServices();
  const issues = useApp((s) => s.urlIssues);
  if (issues.length === 0) return null;
  return (
    <section
      className="notice"
      role="alert"
      aria-labelledby="url-notice-title"
      data-testid="url-notice"
    >
      <div>
        <h2 id="url-notice-title">Some settings in this link could not be used</h2>
        <ul>
          {issues.map((i, n) => {
            const name = fieldName(i.key);
            // Messages of single fields already start with the field's label.
            const text = i.message.startsWith(`${name}: `)
              ? i.message.slice(name.length + 2)
              : i.message;
            return (
              <li key={n} data-field={i.key}>
                <strong>{name}</strong>: {text}
              </li>
            );
          })}
        </ul>
      </div>
      <button type="button" className="secondary" onClick={() => store.getState().setUrlIssues([])}>
        Dismiss
      </button>
    </section>
  );
}
