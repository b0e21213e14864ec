import type { ReactNode } from "react";

// The one table markup of the app: a scrolling wrapper, a caption for screen readers, column
// headers, padded cells with numbers aligned right, a border between rows. No "use client":
// server pages and client panels both render it.

const classes = (...names: (string | false | undefined)[]) => names.filter(Boolean).join(" ");

export type Column<Row> = {
  header: string;
  /** A header read by screen readers only (a column of buttons, a bar). */
  hideHeader?: boolean;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  /** The cell names its row (`<th scope="row">`), as the first column of a table of days or codes. */
  rowHeader?: boolean;
  /** More classes for this column's cells. */
  className?: string;
  /** Tells columns with the same header apart (default: the header). */
  key?: string;
  cell: (row: Row) => ReactNode;
};

export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  rowClassName,
  className,
}: {
  /** Read by screen readers only; it is the table's accessible name. */
  caption: string;
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  rowClassName?: (row: Row) => string | undefined;
  /** More classes for the table (a maximum width, a margin). */
  className?: string;
}) {
  const align = (column: Column<Row>) => column.numeric && "text-right tabular-nums";
  return (
    <div className="overflow-x-auto">
      <table className={classes("w-full text-left text-sm", className)}>
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-stone-200 text-stone-600 dark:border-stone-800 dark:text-stone-400">
          <tr>
            {columns.map((column) => (
              <th
                key={column.key ?? column.header}
                scope="col"
                className={classes("py-2 pr-3 font-medium last:pr-0", align(column))}
              >
                {column.hideHeader ? <span className="sr-only">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={rowKey(row)}
              className={classes("border-b border-stone-100 dark:border-stone-800/60", rowClassName?.(row))}
            >
              {columns.map((column) => {
                const cellClass = classes("py-2 pr-3 last:pr-0", align(column), column.className);
                return column.rowHeader ? (
                  <th key={column.key ?? column.header} scope="row" className={classes("font-normal", cellClass)}>
                    {column.cell(row)}
                  </th>
                ) : (
                  <td key={column.key ?? column.header} className={cellClass}>
                    {column.cell(row)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
