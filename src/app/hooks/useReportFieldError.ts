import { useEffect } from 'react';
import { useServices } from '../services';

/**
 * Tell the store that a field's text does not parse (or no longer fails), so that Run is held
 * back while a field shows red: otherwise Run would start with the last good value, not the one
 * on screen. Cleared when the field goes away.
 */
export function useReportFieldError(key: string, error: string | null): void {
  const { store } = useServices();
  useEffect(() => {
    store.getState().setFieldError(key, error);
  }, [store, key, error]);
  useEffect(() => () => store.getState().setFieldError(key, null), [store, key]);
}
