/** Checks across settings that a form must refuse (the URL decoder corrects them instead). */
import type { Settings } from '../core/settings/schema';

export function crossFieldError(s: Settings): string | null {
  if (s.model === 'uv') return null;
  if (s.batch > s.trainSize)
    return `batch B = ${s.batch} is larger than the training set N = ${s.trainSize}`;
  if (s.measureSize > s.trainSize)
    return `measurement set M = ${s.measureSize} is larger than the training set N = ${s.trainSize}`;
  return null;
}
