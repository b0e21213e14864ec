import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, newerThan, olderThan } from "@/lib/pagination/cursor";

// The (createdAt, id) keyset cursor of the ledger, the audit log and the failed-generations list.

describe("keyset cursor", () => {
  it("round-trips a row's createdAt (to the millisecond) and id", () => {
    const row = { createdAt: new Date("2026-11-26T08:30:01.234Z"), id: "cm_a1b2c3" };
    const cursor = encodeCursor(row);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(row);
  });

  it("reads a missing, garbled or incomplete cursor as none", () => {
    expect(decodeCursor(undefined)).toBeNull();
    expect(decodeCursor("")).toBeNull();
    expect(decodeCursor("not a cursor!")).toBeNull();
    expect(decodeCursor(Buffer.from("2026-11-26T08:30:01.234Z").toString("base64url"))).toBeNull();
    expect(decodeCursor(Buffer.from("yesterday|cm_a1").toString("base64url"))).toBeNull();
    expect(decodeCursor(Buffer.from("|cm_a1").toString("base64url"))).toBeNull();
  });

  it("selects the rows after it (older) or before it (newer), ties broken by id", () => {
    const key = { createdAt: new Date("2026-11-26T08:30:00Z"), id: "m5" };
    expect(olderThan(key)).toEqual({
      OR: [{ createdAt: { lt: key.createdAt } }, { createdAt: key.createdAt, id: { lt: "m5" } }],
    });
    expect(newerThan(key)).toEqual({
      OR: [{ createdAt: { gt: key.createdAt } }, { createdAt: key.createdAt, id: { gt: "m5" } }],
    });
  });
});
