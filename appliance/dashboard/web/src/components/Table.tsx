import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  title: string;
  render: (row: T) => ReactNode;
  sortable?: boolean;
  className?: string;
}

/** A plain table with optional sortable headers; cell content is React text or elements. */
export function Table<T>({
  columns,
  rows,
  rowKey,
  sort,
  onSort,
  testId,
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string;
  sort?: { key: string; order: 'asc' | 'desc' };
  onSort?: (key: string) => void;
  testId?: string;
}) {
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.key} className={c.className}>
              {c.sortable && onSort ? (
                <button type="button" className="link" onClick={() => onSort(c.key)}>
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
        {rows.length === 0 && (
          <tr>
            <td colSpan={columns.length} className="muted">
              nothing to show
            </td>
          </tr>
        )}
        {rows.map((r, i) => (
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
  );
}
