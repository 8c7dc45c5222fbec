import { useState } from 'react';

/** A small "?" button that shows a control's help text inline (and keeps it as a tooltip). */
export function HelpToggle({ id, label, help }: { id: string; label: string; help: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="help-toggle"
        aria-expanded={open}
        aria-controls={id}
        aria-label={`Help: ${label}`}
        title={help}
        onClick={() => setOpen((o) => !o)}
      >
        ?
      </button>
      <p id={id} className="help-text" hidden={!open}>
        {help}
      </p>
    </>
  );
}
