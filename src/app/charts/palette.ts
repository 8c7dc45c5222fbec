/**
 * Colours and words for the five regimes and for overlaid trajectories.
 *
 * Based on the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays
 * distinguishable under the common colour-vision deficiencies. The regimes are ordered from calm to
 * violent, and so are their colours: grey-blue, blue, orange, vermillion, near-black.
 */
import { interpolateLab } from 'd3';
import type { Regime } from '../../core/sweep/records';

export const REGIME_COLORS: Readonly<Record<Regime, string>> = {
  stable: '#8c9fb3',
  'sharpness-reduction': '#0072b2',
  'loss-catapult': '#e69f00',
  'loss-sharpness-catapult': '#d55e00',
  divergence: '#1b1b1b',
};

/** Short names, lower case, for running text ("…: loss catapult"). */
export const REGIME_NAMES: Readonly<Record<Regime, string>> = {
  stable: 'stable',
  'sharpness-reduction': 'sharpness reduction',
  'loss-catapult': 'loss catapult',
  'loss-sharpness-catapult': 'loss and sharpness catapult',
  divergence: 'divergence',
};

/** Legend labels: the name and what the run does, in words. */
export const REGIME_LABELS: Readonly<Record<Regime, string>> = {
  stable: 'Stable: loss falls, c ≤ 2',
  'sharpness-reduction': 'Sharpness reduction: loss falls, λ falls',
  'loss-catapult': 'Loss catapult: loss spikes, λ falls',
  'loss-sharpness-catapult': 'Loss + sharpness catapult: both spike',
  divergence: 'Divergence: loss blows up',
};

/** One or two sentences per regime, for tooltips and help text (docs/PROTOCOL.md §3). */
export const REGIME_DESCRIPTIONS: Readonly<Record<Regime, string>> = {
  stable:
    'c ≤ 2 and the loss never rises above L₀. The sharpness may still fall; the cell is lighter the more it fell (λ_T/λ₀).',
  'sharpness-reduction':
    'c > 2 but the loss never rises above L₀: the network reduces its sharpness below 2/η without a catapult.',
  'loss-catapult':
    'The loss rises above L₀ and comes back down while the sharpness does not rise above λ₀: the catapult moves the network to a flatter region.',
  'loss-sharpness-catapult':
    'Both the loss and the sharpness rise above their initial values before training settles.',
  divergence:
    'The loss exceeds the divergence threshold or becomes non-finite within the early window.',
};

/** The lightest tint of a stable cell: what λ_T/λ₀ ≤ STABLE_SHADE_FLOOR maps to. */
const STABLE_LIGHT = '#e3e9ef';
/** λ_T/λ₀ at or below which a stable cell is drawn at its lightest. */
export const STABLE_SHADE_FLOOR = 0.5;

/**
 * Fill of a stable cell from λ_T/λ₀ (`sharpRatioFinal`): the base grey-blue when the sharpness
 * did not fall (ratio ≥ 1, or unknown), lighter the more it fell, lightest at ratio ≤ 0.5.
 * docs/PROTOCOL.md §5 fact 7 expects ratios of about 0.75–0.9 at c = 1, so the ramp is linear over [0.5, 1].
 */
export function stableShade(sharpRatioFinal: number | null): string {
  if (sharpRatioFinal === null || !Number.isFinite(sharpRatioFinal)) return REGIME_COLORS.stable;
  const reduction = (1 - sharpRatioFinal) / (1 - STABLE_SHADE_FLOOR);
  const t = Math.min(1, Math.max(0, reduction));
  return interpolateLab(REGIME_COLORS.stable, STABLE_LIGHT)(t);
}

/** Fill of a diagram cell. */
export function regimeFill(regime: Regime, sharpRatioFinal: number | null): string {
  return regime === 'stable' ? stableShade(sharpRatioFinal) : REGIME_COLORS[regime];
}

/**
 * Line colours for overlaid trajectories (Okabe–Ito order, yellow left out: it vanishes on white).
 * They repeat after seven series (dashes are taken: they mean "still running").
 */
export const SERIES_COLORS: readonly string[] = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#000000',
];

export function seriesColor(index: number): string {
  const n = SERIES_COLORS.length;
  return SERIES_COLORS[((index % n) + n) % n] ?? '#000000';
}

/**
 * Fill and stroke of the critical-value markers and the stroke of their fit lines. c_loss,
 * c_sharp and c_max are white shapes outlined in black; c_barrier is the one coloured marker
 * (Okabe–Ito bluish green, which no regime uses), so it differs from them in colour as well as
 * shape on every cell colour.
 */
export const MARKER_COLORS: Readonly<
  Record<'c_loss' | 'c_sharp' | 'c_barrier' | 'c_max', { fill: string; stroke: string }>
> = {
  c_loss: { fill: '#fff', stroke: '#111' },
  c_sharp: { fill: '#fff', stroke: '#111' },
  c_barrier: { fill: '#009e73', stroke: '#003d2c' },
  c_max: { fill: '#fff', stroke: '#111' },
};
