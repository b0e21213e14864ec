import { DataTable } from "@/components/ui/data-table";

// Per-day charts drawn as plain SVG (no chart library), each with the numbers behind it in a
// table for screen readers and keyboards. Server components: nothing here runs in the browser.

export type ChartRow = { day: string; values: Record<string, number> };
/** `tone` picks a colour from the palette (default: the series' position). */
export type ChartSeries = { key: string; label: string; tone?: number };

const WIDTH = 960;
const HEIGHT = 180;
const PAD_BOTTOM = 20;
const PAD_LEFT = 56;

// Full class names (Tailwind only generates classes it finds spelled out in the sources).
const PALETTE = [
  { fill: "fill-violet-500", stroke: "stroke-violet-500", swatch: "bg-violet-500" },
  { fill: "fill-teal-500", stroke: "stroke-teal-500", swatch: "bg-teal-500" },
  { fill: "fill-amber-500", stroke: "stroke-amber-500", swatch: "bg-amber-500" },
  { fill: "fill-red-500", stroke: "stroke-red-500", swatch: "bg-red-500" },
  { fill: "fill-sky-500", stroke: "stroke-sky-500", swatch: "bg-sky-500" },
  { fill: "fill-stone-500", stroke: "stroke-stone-500", swatch: "bg-stone-500" },
  { fill: "fill-pink-500", stroke: "stroke-pink-500", swatch: "bg-pink-500" },
  { fill: "fill-lime-600", stroke: "stroke-lime-600", swatch: "bg-lime-600" },
] as const;

const paletteAt = (i: number) => PALETTE[i % PALETTE.length] ?? PALETTE[0];
const plain = (n: number) => n.toLocaleString("en-US");
const cell = (row: ChartRow, key: string) => row.values[key] ?? 0;

/**
 * `stacked` draws one bar per day made of the series (counts that add up); `lines` draws one line
 * per series (values that do not add up, like percentiles). Negative values are drawn as zero and
 * shown as they are in the table.
 */
export function DailyChart({
  id,
  title,
  rows,
  series,
  mode = "stacked",
  format = plain,
}: {
  id: string;
  title: string;
  rows: ChartRow[];
  series: ChartSeries[];
  mode?: "stacked" | "lines";
  format?: (n: number) => string;
}) {
  const height = (row: ChartRow) =>
    mode === "stacked"
      ? series.reduce((sum, s) => sum + Math.max(0, cell(row, s.key)), 0)
      : Math.max(0, ...series.map((s) => cell(row, s.key)));
  const max = Math.max(1, ...rows.map(height));
  const slot = (WIDTH - PAD_LEFT) / Math.max(1, rows.length);
  const plot = HEIGHT - PAD_BOTTOM;
  const y = (v: number) => plot - (Math.max(0, v) / max) * (plot - 4);
  const color = (i: number) => paletteAt(series[i]?.tone ?? i);
  const totals = series.map((s) => ({ ...s, total: rows.reduce((sum, r) => sum + cell(r, s.key), 0) }));
  const only = series.length === 1 ? series[0] : undefined;
  const busiest = only
    ? rows.reduce<ChartRow | null>((best, r) => (best && cell(best, only.key) >= cell(r, only.key) ? best : r), null)
    : null;
  const description =
    rows.every((r) => height(r) === 0) && totals.every((t) => t.total === 0)
      ? `Nothing in the last ${rows.length} days.`
      : only && busiest && mode === "stacked"
        ? `${format(totals[0]?.total ?? 0)} ${only.label.toLowerCase()} in the last ${rows.length} days; the busiest day was ${busiest.day} with ${format(cell(busiest, only.key))}.`
        : mode === "stacked"
          ? `Last ${rows.length} days: ${totals.map((t) => `${t.label} ${format(t.total)}`).join(", ")}.`
          : `Last ${rows.length} days, highest: ${series
              .map((s) => `${s.label} ${format(Math.max(0, ...rows.map((r) => cell(r, s.key))))}`)
              .join(", ")}.`;
  return (
    <figure className="flex flex-col gap-2" data-testid={id}>
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <line x1={PAD_LEFT} y1={plot} x2={WIDTH} y2={plot} className="stroke-stone-300 dark:stroke-stone-700" />
        <text x={PAD_LEFT - 6} y={10} textAnchor="end" className="fill-stone-500 text-[10px]">
          {format(max)}
        </text>
        <text x={PAD_LEFT - 6} y={plot} textAnchor="end" className="fill-stone-500 text-[10px]">
          0
        </text>
        {mode === "stacked"
          ? rows.map((row, i) => {
              let top = plot;
              return (
                <g key={row.day}>
                  <title>{`${row.day}: ${series.map((s) => `${s.label} ${format(cell(row, s.key))}`).join(", ")}`}</title>
                  {series.map((s, si) => {
                    const h = (Math.max(0, cell(row, s.key)) / max) * (plot - 4);
                    top -= h;
                    return h > 0 ? (
                      <rect
                        key={s.key}
                        x={PAD_LEFT + i * slot + slot * 0.15}
                        y={top}
                        width={slot * 0.7}
                        height={h}
                        className={color(si).fill}
                      />
                    ) : null;
                  })}
                </g>
              );
            })
          : series.map((s, si) => (
              <polyline
                key={s.key}
                fill="none"
                strokeWidth={2}
                className={color(si).stroke}
                points={rows.map((row, i) => `${PAD_LEFT + (i + 0.5) * slot},${y(cell(row, s.key))}`).join(" ")}
              />
            ))}
        <text x={PAD_LEFT} y={HEIGHT - 4} className="fill-stone-500 text-[10px]">
          {rows[0]?.day}
        </text>
        <text x={WIDTH} y={HEIGHT - 4} textAnchor="end" className="fill-stone-500 text-[10px]">
          {rows.at(-1)?.day}
        </text>
      </svg>
      <ul className="flex flex-wrap gap-3 text-xs text-stone-600 dark:text-stone-400" aria-hidden="true">
        {series.map((s, si) => (
          <li key={s.key} className="flex items-center gap-1">
            <span className={`inline-block size-2.5 rounded-sm ${color(si).swatch}`} />
            {s.label}
          </li>
        ))}
      </ul>
      <p className="text-sm text-stone-600 dark:text-stone-400">{description}</p>
      <details className="text-sm">
        <summary className="cursor-pointer">Show as a table</summary>
        <DataTable
          caption={title}
          className="mt-2"
          rows={rows}
          rowKey={(row) => row.day}
          columns={[
            { header: "Day (UTC)", rowHeader: true, cell: (row) => row.day },
            ...series.map((s) => ({
              header: s.label,
              key: s.key,
              numeric: true,
              cell: (row: ChartRow) => format(cell(row, s.key)),
            })),
          ]}
        />
      </details>
    </figure>
  );
}
