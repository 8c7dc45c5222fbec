import { useEffect, useMemo, useRef } from 'react';
import {
  renderSaturation,
  saturationEmpty,
  saturationEmptyText,
  saturationLines,
} from '../charts/saturation';
import { useElementSize } from '../hooks/useElementSize';
import { useApp } from '../store/store';
import { usePanelOpen } from '../hooks/usePanelOpen';

export const SATURATION_SVG_ID = 'saturation-svg';

/** At most this many columns are drawn (lines past a dozen are unreadable anyway). */
const MAX_LINES = 16;

/**
 * λ_τ/λ₀ against c per column, λ_τ the sharpness at step τ = K/c (intermediate saturation):
 * how far each column has reduced its sharpness at the same rescaled time. Collapsible, below the
 * diagram.
 */
export function SaturationPanel() {
  const columnsById = useApp((s) => s.columns);
  const saturationK = useApp((s) => s.settings.saturationK);
  const lecture = useApp((s) => s.lecture);
  const [open, setOpen] = usePanelOpen('saturation', true);
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const { width } = useElementSize(boxRef);
  const height = Math.round(Math.min(440, Math.max(280, width * 0.55)) * (lecture ? 1.15 : 1));

  const columns = useMemo(() => Object.values(columnsById), [columnsById]);
  const all = useMemo(() => saturationLines(columns), [columns]);
  const lines = useMemo(() => all.slice(0, MAX_LINES), [all]);
  // Columns already measured are drawn whatever the setting is now; the "off" state only explains
  // an empty chart.
  const empty = saturationEmpty(columns, saturationK);

  useEffect(() => {
    const svg = svgRef.current;
    if (!open || !svg || width < 50) return;
    renderSaturation(svg, { lines }, { width, height, fontScale: lecture ? 1.3 : 1 });
  }, [open, lines, width, height, lecture]);

  return (
    <details
      className="panel collapsible-panel saturation-panel"
      open={open}
      onToggle={(e) => {
        if (e.currentTarget.open !== open) setOpen(e.currentTarget.open);
      }}
      data-testid="saturation-panel"
    >
      <summary>
        <h2 id="saturation-title">Intermediate saturation</h2>
        <span className="summary-note">λ_τ/λ₀ at τ = K/c, per column</span>
      </summary>
      <div className="chart-box saturation-box" ref={boxRef}>
        <svg
          id={SATURATION_SVG_ID}
          ref={svgRef}
          width={width}
          height={height}
          aria-labelledby="saturation-title"
          data-testid="saturation"
        />
        {empty !== null ? (
          <p className="chart-empty" data-testid="saturation-empty">
            {saturationEmptyText(empty)}
          </p>
        ) : null}
      </div>
      <p className="hint" data-testid="saturation-caption">
        {lines.length > 0
          ? `Each column’s sharpness at the same rescaled time c·τ = K, against c; below 1 it has fallen since initialisation. ▲ c_loss, ▮ c_max; × a run that diverged before τ.${all.length > lines.length ? ` ${all.length - lines.length} more columns not drawn.` : ''}`
          : ''}
        {lines.length > 0 && saturationK === 0
          ? ' Saturation measurement is off for new sweeps (K = 0).'
          : ''}
      </p>
    </details>
  );
}
