import { useEffect } from 'react';
import { useServices } from '../services';
import { useApp } from '../store/store';

/** A short confirmation (copied, exported) that fades after a few seconds. */
export function Toast() {
  const { store } = useServices();
  const toast = useApp((s) => s.toast);
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => store.getState().setToast(null), 4000);
    return () => clearTimeout(t);
  }, [toast, store]);
  return (
    <div className="toast" role="status" aria-live="polite">
      {toast}
    </div>
  );
}
