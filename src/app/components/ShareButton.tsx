import { useEffect, useRef, useState } from 'react';
import { useServices } from '../services';

/** Copies the link (settings in the hash); shows it too, for when the clipboard is refused. */
export function ShareButton() {
  const { store } = useServices();
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState('');
  const [copied, setCopied] = useState<boolean | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (open) inputRef.current?.select();
  }, [open, url]);

  const share = async (): Promise<void> => {
    const link = window.location.href;
    setUrl(link);
    setOpen(true);
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
      store.getState().setToast('Link copied to the clipboard');
    } catch {
      setCopied(false);
    }
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
            {copied
              ? 'Copied. The link reproduces these settings:'
              : 'Copy this link (the clipboard was not available):'}
          </label>
          <input
            id="share-link"
            ref={inputRef}
            type="text"
            readOnly
            value={url}
            data-testid="share-link"
          />
          <button type="button" className="secondary" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      ) : null}
    </div>
  );
}
