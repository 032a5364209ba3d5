import type { ComponentChildren } from 'preact';

/** A header cell: its text, and a class where the column is styled (numbers aligned right, say). */
export type Column = string | { label: string; class: string };

interface DataTableProps {
  /** Names the table's scrolling region for screen readers. */
  label: string;
  columns: Column[];
  /** Shown across the table instead of rows when there are none; null when there are. */
  empty: ComponentChildren | null;
  /** The body's rows. */
  children: ComponentChildren;
}

/**
 * A table in its own focusable scrolling region, so a narrow screen scrolls the table and not the
 * page, with its header row and, when it has no rows, a message across all its columns.
 */
export function DataTable({ label, columns, empty, children }: DataTableProps) {
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={label}>
      <table>
        <thead>
          <tr>
            {columns.map((c) => (typeof c === 'string' ? <th key={c} scope="col">{c}</th> : <th key={c.label} scope="col" class={c.class}>{c.label}</th>))}
          </tr>
        </thead>
        <tbody>
          {empty !== null && (
            <tr>
              <td colSpan={columns.length} class="empty">{empty}</td>
            </tr>
          )}
          {children}
        </tbody>
      </table>
    </div>
  );
}
