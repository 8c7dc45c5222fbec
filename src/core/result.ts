/**
 * Errors as values: the one outcome type for everything whose failure the caller must handle
 * (a user's file, a flag, a text field, a backend that may be missing). Exceptions stay for bugs.
 */

/** A value, or an error (by default a message naming what was wrong). */
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };

/** A successful result. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** A failed result carrying `error`. */
export function fail<E = string>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
