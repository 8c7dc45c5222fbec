import { useMemo } from 'react';
import {
  formatCritical,
  summarizeColumns,
  type CriticalSummary,
  type Spread,
} from '../../core/phase/summary';
import { compareColumns, compareRuns } from '../../core/sweep/order';
import { columnId, runId, type ColumnRecord } from '../../core/sweep/records';
import {
  BARRIER_FALLBACK_TEXT,
  DIAGRAM_KINDS,
  diagramSeedValue,
  hasBarrierValues,
  summarizeKind,
  type DiagramKind,
} from '../charts/phaseDiagram';
import { useServices } from '../services';
import { useApp } from '../store/store';

function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Number(v.toPrecision(digits)).toString();
}

/** Mean ± sample sd over seeds of a value every seed has (λ₀, L₀). */
function meanSpread(s: Spread): string {
  if (s.mean === null) return '—';
  return s.n > 1 && s.std !== null ? `${fmt(s.mean)} ± ${fmt(s.std, 2)}` : fmt(s.mean);
}

/**
 * One seed's critical value: the c; "> c_max" when the event never came before divergence; for
 * c_barrier with no barrier seen, the c_max the demo's rule uses, marked as such.
 */
function seedCell(c: ColumnRecord, k: DiagramKind): { text: string; title: string | undefined } {
  const v = diagramSeedValue(c, k);
  if (v.kind === 'seen') return { text: fmt(v.c), title: undefined };
  if (v.kind === 'censored' && k === 'c_barrier')
    return {
      text: `${fmt(v.above)} (c_max)`,
      title: `${BARRIER_FALLBACK_TEXT}: no trainable run crossed a loss barrier, so c_barrier = c_max = ${fmt(v.above)} (a lower bound)`,
    };
  if (v.kind === 'censored')
    return {
      text: `> ${fmt(v.above)}`,
      title: `censored: not seen before the first divergence, so above c_max = ${fmt(v.above)}`,
    };
  if (k === 'c_barrier') return { text: '—', title: 'not measured' };
  return { text: '—', title: k === 'c_max' ? 'no run has diverged yet' : 'not reached yet' };
}

/** A seed mean of c_barrier: the mean over seeds with a barrier, then how many used c_max. */
function barrierMean(s: CriticalSummary): string {
  return formatCritical(s, fmt, {
    censored: (above, n, of) => `c_max ${above} used for ${n} of ${of} (no barrier)`,
    unknown: false,
  });
}

const HEAD_TITLES: Readonly<Record<DiagramKind, string>> = {
  c_loss: 'Smallest c whose loss rises above L₀ (loss catapult onset)',
  c_sharp: 'Smallest c whose sharpness rises above λ₀(1+ε)',
  c_barrier:
    'Smallest trainable c whose run crosses a loss barrier on the line from θ₀ to θ_T; c_max when none does',
  c_max: 'Largest c that does not diverge',
};

/**
 * c_loss, c_sharp, c_barrier (when the results measured it) and c_max per column (one init seed
 * and one order seed); with several columns per architecture, their summary over all of them,
 * with censored columns (event not seen before divergence) counted and bounded, e.g. "> 16 (2 of
 * 3 censored)".
 */
export function ColumnTable() {
  const { store } = useServices();
  const columnsById = useApp((s) => s.columns);
  const runs = useApp((s) => s.runs);
  const columns = useMemo(() => Object.values(columnsById).sort(compareColumns), [columnsById]);
  const groups = useMemo(
    () => summarizeColumns(columns).filter((g) => g.pairs.length > 1),
    [columns],
  );
  // The order seed J gets its own column once the results hold more than one.
  const manyOrders = useMemo(() => new Set(columns.map((c) => c.orderSeed)).size > 1, [columns]);

  const kinds = useMemo(
    () => DIAGRAM_KINDS.filter((k) => k !== 'c_barrier' || hasBarrierValues(columns)),
    [columns],
  );

  if (columns.length === 0) return null;

  const selectColumn = (c: ColumnRecord): void => {
    const id = columnId(c);
    const ids = Object.values(runs)
      .filter((r) => columnId(r) === id)
      .sort(compareRuns)
      .map(runId);
    store.getState().setSelection(ids);
  };

  return (
    <section className="panel column-panel" aria-labelledby="columns-title">
      <h2 id="columns-title">Critical values</h2>
      <div className="table-scroll">
        <table className="column-table">
          <caption className="visually-hidden">
            Critical learning-rate constants of each finished column
          </caption>
          <thead>
            <tr>
              <th scope="col">d</th>
              <th scope="col">w</th>
              <th scope="col">seed</th>
              {manyOrders ? (
                <th scope="col" title="SGD-order seed J (the batch order)">
                  order
                </th>
              ) : null}
              <th scope="col">λ₀</th>
              <th scope="col">L₀</th>
              {kinds.map((k) => (
                <th key={k} scope="col" title={HEAD_TITLES[k]}>
                  {k}
                </th>
              ))}
              <th scope="col">runs</th>
              <th scope="col">
                <span className="visually-hidden">Select</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {columns.map((c) => (
              <tr key={columnId(c)}>
                <td>{c.depth}</td>
                <td>{c.width}</td>
                <td>{c.seed}</td>
                {manyOrders ? <td>{c.orderSeed}</td> : null}
                <td>{fmt(c.lambda0, 4)}</td>
                <td>{fmt(c.loss0, 4)}</td>
                {kinds.map((k) => {
                  const cell = seedCell(c, k);
                  return (
                    <td key={k} title={cell.title}>
                      {cell.text}
                    </td>
                  );
                })}
                <td>{c.runs}</td>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Select the runs of depth ${c.depth}, width ${c.width}, seed ${c.seed}${manyOrders ? `, order seed ${c.orderSeed}` : ''}`}
                    onClick={() => selectColumn(c)}
                  >
                    select
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
          {groups.length > 0 ? (
            <tbody className="seed-means">
              {groups.map((g) => (
                <tr key={`${g.depth}/${g.width}`}>
                  <td>{g.depth}</td>
                  <td>{g.width}</td>
                  <td>mean of {g.pairs.length}</td>
                  {manyOrders ? <td /> : null}
                  <td>{meanSpread(g.lambda0)}</td>
                  <td>{meanSpread(g.loss0)}</td>
                  {kinds.map((k) => {
                    const cols = columns.filter((c) => c.depth === g.depth && c.width === g.width);
                    return (
                      <td key={k}>
                        {k === 'c_barrier'
                          ? barrierMean(summarizeKind(cols, k))
                          : formatCritical(g[k], (v) => fmt(v))}
                      </td>
                    );
                  })}
                  <td>{g.runs}</td>
                  <td />
                </tr>
              ))}
            </tbody>
          ) : null}
        </table>
      </div>
      <p className="hint" data-testid="column-table-note">
        “—”: not reached on this grid yet (for c_max: no run of the column has diverged yet). “&gt;
        c”: the event never came before the first divergence at c = c_max. c_barrier “(c_max)”: no
        barrier seen, so c_max is used, as the paper&apos;s demo does.
      </p>
    </section>
  );
}
