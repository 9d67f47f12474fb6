import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  title: string;
  /** The full title, for an abbreviated header. */
  hint?: string;
  render: (row: T) => ReactNode;
  sortable?: boolean;
  className?: string;
}

/**
 * A table with optional sortable headers. It scrolls sideways inside its own box, so a wide
 * table never widens the page on a phone; numbers never wrap and headers wrap only at spaces.
 * `rows` undefined means its data has not arrived: it says "loading…", never "nothing to show",
 * so a slow answer cannot pass for an empty one.
 */
export function Table<T>({
  columns,
  rows,
  rowKey,
  sort,
  onSort,
  testId,
}: {
  columns: Column<T>[];
  rows: readonly T[] | undefined;
  rowKey: (row: T, index: number) => string;
  sort?: { key: string; order: 'asc' | 'desc' };
  onSort?: (key: string) => void;
  testId?: string;
}) {
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} className={c.className} title={c.hint} aria-sort={ariaSort(sort, c.key)}>
                {c.sortable && onSort ? (
                  <button type="button" className="sort" onClick={() => onSort(c.key)}>
                    {c.title}
                    {sort?.key === c.key ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                ) : (
                  c.title
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <Placeholder rows={rows} span={columns.length} />
          {rows?.map((r, i) => (
            <tr key={rowKey(r, i)}>
              {columns.map((c) => (
                <td key={c.key} className={c.className}>
                  {c.render(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The one row of a table without rows: still loading (its data has not arrived), or empty. */
function Placeholder({ rows, span }: { rows: readonly unknown[] | undefined; span: number }) {
  if (rows === undefined) {
    return (
      <tr className="loading" data-loading="">
        <td colSpan={span} className="muted">
          loading…
        </td>
      </tr>
    );
  }
  if (rows.length > 0) return null;
  return (
    <tr>
      <td colSpan={span} className="muted">
        nothing to show
      </td>
    </tr>
  );
}

function ariaSort(sort: { key: string; order: 'asc' | 'desc' } | undefined, key: string) {
  if (sort?.key !== key) return undefined;
  return sort.order === 'asc' ? 'ascending' : 'descending';
}
