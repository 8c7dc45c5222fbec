import { useMemo } from 'react';
import { columnId, runId, type ColumnRecord } from '../../core/sweep/records';
import { useServices } from '../services';
import { useApp } from '../store/store';

function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Number(v.toPrecision(digits)).toString();
}

/** Mean and spread over seeds of one critical value (nulls left out). */
function meanSpread(values: (number | null)[]): string {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return '—';
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length === 1) return fmt(mean);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return `${fmt(mean)} ± ${fmt(sd, 2)}`;
}

/** c_loss, c_sharp and c_max per column; with several seeds, their mean ± sd per architecture. */
export function ColumnTable() {
  const { store } = useServices();
  const columnsById = useApp((s) => s.columns);
  const runs = useApp((s) => s.runs);
  const columns = useMemo(
    () =>
      Object.values(columnsById).sort(
        (a, b) => a.depth - b.depth || a.width - b.width || a.seed - b.seed,
      ),
    [columnsById],
  );
  const groups = useMemo(() => {
    const m = new Map<string, ColumnRecord[]>();
    for (const c of columns) {
      const k = `${c.depth}/${c.width}`;
      m.set(k, [...(m.get(k) ?? []), c]);
    }
    return [...m.values()].filter((g) => g.length > 1);
  }, [columns]);

  if (columns.length === 0) return null;

  const selectColumn = (c: ColumnRecord): void => {
    const id = columnId(c);
    const ids = Object.values(runs)
      .filter((r) => columnId(r) === id)
      .sort((a, b) => a.c - b.c)
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
              <th scope="col">λ₀</th>
              <th scope="col">L₀</th>
              <th scope="col" title="Smallest c whose loss rises above L₀ (loss catapult onset)">
                c_loss
              </th>
              <th scope="col" title="Smallest c whose sharpness rises above λ₀(1+ε)">
                c_sharp
              </th>
              <th scope="col" title="Largest c that does not diverge">
                c_max
              </th>
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
                <td>{fmt(c.lambda0, 4)}</td>
                <td>{fmt(c.loss0, 4)}</td>
                <td>{fmt(c.c_loss)}</td>
                <td>{fmt(c.c_sharp)}</td>
                <td>{fmt(c.c_max)}</td>
                <td>{c.runs}</td>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Select the runs of depth ${c.depth}, width ${c.width}, seed ${c.seed}`}
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
                <tr key={`${g[0]!.depth}/${g[0]!.width}`}>
                  <td>{g[0]!.depth}</td>
                  <td>{g[0]!.width}</td>
                  <td>mean of {g.length}</td>
                  <td>{meanSpread(g.map((c) => c.lambda0))}</td>
                  <td>{meanSpread(g.map((c) => c.loss0))}</td>
                  <td>{meanSpread(g.map((c) => c.c_loss))}</td>
                  <td>{meanSpread(g.map((c) => c.c_sharp))}</td>
                  <td>{meanSpread(g.map((c) => c.c_max))}</td>
                  <td>{g.reduce((a, c) => a + c.runs, 0)}</td>
                  <td />
                </tr>
              ))}
            </tbody>
          ) : null}
        </table>
      </div>
    </section>
  );
}
