import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { movementColumns, signedAmount } from "@/components/billing/movements";
import { DataTable } from "@/components/ui/data-table";
import type { MovementRow } from "@/lib/billing/queries";

// The shared table (components/ui/data-table.tsx) and the movement columns both ledgers use
// (components/billing/movements.tsx), rendered to HTML as the server sends it.

const movement = (id: string, kind: MovementRow["kind"], amount: number): MovementRow => ({
  id,
  kind,
  amount,
  balanceAfter: 10,
  reason: `reason ${id}`,
  createdAt: new Date("2026-11-26T08:00:00Z"),
  generationId: null,
  receiptUrl: null,
});

function render(rows: MovementRow[]): string {
  return renderToStaticMarkup(
    createElement(DataTable<MovementRow>, {
      caption: "Ledger, newest first",
      rows,
      rowKey: (m) => m.id,
      columns: [
        { header: "Id", rowHeader: true, cell: (m) => m.id },
        ...movementColumns,
        { header: "Actions", hideHeader: true, cell: (m) => m.reason },
      ],
    }),
  );
}

describe("DataTable", () => {
  it("names the table by its caption, scopes its headers and right-aligns numbers", () => {
    const html = render([movement("m1", "GRANT", 5)]);
    expect(html).toContain('<caption class="sr-only">Ledger, newest first</caption>');
    expect(html.match(/<th scope="col"/g)).toHaveLength(5);
    expect(html).toMatch(/<th scope="col" class="[^"]*text-right[^"]*">Amount<\/th>/);
    expect(html).toMatch(/<th scope="col" class="[^"]*"><span class="sr-only">Actions<\/span><\/th>/);
    expect(html).toMatch(/<th scope="row" class="[^"]*">m1<\/th>/);
    expect(html).toMatch(/<td class="[^"]*text-right[^"]*">10<\/td>/);
  });

  it("renders one row per item, in order", () => {
    const html = render([movement("m1", "GRANT", 5), movement("m2", "SETTLE", -3), movement("m3", "REFUND", 0)]);
    expect(html.match(/<tr/g)).toHaveLength(4);
    expect(html.indexOf("reason m1")).toBeLessThan(html.indexOf("reason m2"));
    expect(html.indexOf("reason m2")).toBeLessThan(html.indexOf("reason m3"));
  });
});

describe("a movement as people read it", () => {
  it("labels its kind and signs its amount with a real minus sign", () => {
    const html = render([movement("m1", "GRANT", 5), movement("m2", "SETTLE", -3), movement("m3", "RESERVE", 0)]);
    expect(html).toContain(">Grant<");
    expect(html).toContain(">Settled<");
    expect(html).toContain(">Reserved<");
    expect(html).toContain(">+5<");
    expect(html).toContain(">−3<");
    expect(signedAmount(0)).toBe("0");
    expect(signedAmount(-12)).toBe("\u221212");
  });
});
