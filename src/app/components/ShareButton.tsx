import { useEffect, useRef, useState } from 'react';
import { resultsToJsonl } from '../io/exportData';
import { downloadText } from '../io/download';
import { useServices } from '../services';
import { hashFor } from '../sync/urlSync';
import { encodeResults, MAX_RESULTS_CHARS } from '../sync/resultsPayload';

type Packed =
  { kind: 'none' } | { kind: 'packed'; runs: number } | { kind: 'too-large'; chars: number };

/**
 * Copies a link that reproduces what is on screen: the settings, the view (log y, raw λ, the
 * selection, lecture mode) and, up to MAX_RESULTS_CHARS, the results themselves, so a fresh
 * browser shows the same diagram without computing. Above the limit it says so and offers the
 * JSON Lines file instead. Shows the link too, for when the clipboard is refused.
 */
export function ShareButton() {
  const { store } = useServices();
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState('');
  const [copied, setCopied] = useState<boolean | null>(null);
  const [packed, setPacked] = useState<Packed>({ kind: 'none' });
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (open) inputRef.current?.select();
  }, [open, url]);

  const share = async (): Promise<void> => {
    const st = store.getState();
    const runs = Object.values(st.runs);
    let results: string | null = null;
    let next: Packed = { kind: 'none' };
    if (runs.length > 0) {
      const enc = encodeResults(runs, Object.values(st.columns));
      if (enc.ok) {
        results = enc.text;
        next = { kind: 'packed', runs: runs.length };
      } else next = { kind: 'too-large', chars: enc.chars };
    }
    const { origin, pathname, search } = window.location;
    const link = `${origin}${pathname}${search}${hashFor(st, { results })}`;
    setUrl(link);
    setPacked(next);
    setOpen(true);
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
      store.getState().setToast('Link copied to the clipboard');
    } catch {
      setCopied(false);
    }
  };

  const saveJsonl = (): void => {
    const st = store.getState();
    downloadText(
      resultsToJsonl(Object.values(st.runs), Object.values(st.columns)),
      'phase-explorer-results.jsonl',
      'application/x-ndjson',
    );
  };

  return (
    <div className="share">
      <button
        type="button"
        onClick={() => void share()}
        aria-expanded={open}
        aria-controls="share-panel"
      >
        Share
      </button>
      {open ? (
        <div id="share-panel" className="popover" role="dialog" aria-label="Share link">
          <label htmlFor="share-link">
            {copied ? 'Copied. ' : 'Copy this link (the clipboard was not available). '}
            {packed.kind === 'packed'
              ? `It carries the settings, the view and the ${packed.runs} finished cells: it opens without computing.`
              : 'It carries the settings and the view.'}
          </label>
          <input
            id="share-link"
            ref={inputRef}
            type="text"
            readOnly
            value={url}
            data-testid="share-link"
          />
          {packed.kind === 'too-large' ? (
            <p className="hint" data-testid="share-too-large">
              The results would make the link {packed.chars.toLocaleString('en')} characters long
              (at most {MAX_RESULTS_CHARS.toLocaleString('en')}), so they are not in it: whoever
              opens it computes them again, or send the results file (they open it with Import).{' '}
              <button type="button" className="link-button" onClick={saveJsonl}>
                Save results (JSON Lines)
              </button>
            </p>
          ) : null}
          <button type="button" className="secondary" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      ) : null}
    </div>
  );
}
