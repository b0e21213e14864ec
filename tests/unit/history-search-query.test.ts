import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../lib/history/cursor";
import { historySearch, parseHistoryParams } from "../../lib/history/filters";
import { toPrefixTsQuery } from "../../lib/history/search-query";

describe("search text to tsquery", () => {
  it("matches every word as a prefix, all required", () => {
    expect(toPrefixTsQuery("Lighthouse  FOG")).toBe("lighthouse:* & fog:*");
  });

  it("keeps quoted words together as a phrase and excludes words with a minus", () => {
    expect(toPrefixTsQuery('"red fox" -winter')).toBe("(red <-> fox) & !winter:*");
  });

  it("splits hyphenated words the way the 'simple' parser indexes them", () => {
    expect(toPrefixTsQuery("sci-fi")).toBe("(sci:* & fi:*)");
  });

  it("drops tsquery syntax and SQL from the input", () => {
    expect(toPrefixTsQuery("a:* | b & !c ' ; DROP TABLE x")).toBe("a:* & b:* & c:* & drop:* & table:* & x:*");
    expect(toPrefixTsQuery("())) <-> ::")).toBeNull();
  });

  it("ignores a query of exclusions only, and blank input", () => {
    expect(toPrefixTsQuery("-cat")).toBeNull();
    expect(toPrefixTsQuery("   ")).toBeNull();
  });

  it("keeps letters of any script", () => {
    expect(toPrefixTsQuery("Café 東京")).toBe("café:* & 東京:*");
  });

  it("caps the number of terms", () => {
    const terms = toPrefixTsQuery(Array.from({ length: 20 }, (_, i) => `w${i}`).join(" "));
    expect(terms?.split(" & ")).toHaveLength(8);
  });
});

describe("history cursor", () => {
  const position = { createdAt: new Date("2026-11-25T10:11:12.345Z"), id: "cmabc123def456ghi789jkl0" };

  it("round-trips a position as an opaque url-safe token", () => {
    const token = encodeCursor(position);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(token)).toEqual(position);
  });

  it("refuses anything it did not issue the shape of", () => {
    const valid = encodeCursor(position);
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    for (const token of [
      "",
      "not a cursor!",
      valid.slice(0, -3),
      `${valid}x`.repeat(40),
      b64({ t: "yesterday", i: position.id }),
      b64({ t: position.createdAt.toISOString(), i: "x' OR 1=1 --" }),
      b64({ t: position.createdAt.toISOString(), i: position.id, extra: 1 }),
      b64([position.createdAt.toISOString(), position.id]),
      Buffer.from("{not json").toString("base64url"),
    ]) {
      expect(decodeCursor(token), token).toBeNull();
    }
  });
});

describe("history search params", () => {
  it("reads valid filters and drops values that do not parse", () => {
    const { filters, cursor } = parseHistoryParams({
      q: "  fox  ",
      status: "failed",
      aspect: "16:9",
      model: "bytedance/seedream-v4-text-to-image",
      from: "2026-11-01",
      to: "not-a-date",
      fav: "1",
      edits: "1",
      cursor: "abc",
    });
    expect(filters).toEqual({
      q: "fox",
      status: "failed",
      aspect: "16:9",
      model: "bytedance/seedream-v4-text-to-image",
      from: "2026-11-01",
      to: undefined,
      favorites: true,
      edits: true,
    });
    expect(cursor).toBe("abc");
    expect(parseHistoryParams({ status: "deleted", aspect: "1:1; drop", fav: "yes", edits: "on" }).filters).toEqual({
      q: undefined,
      status: undefined,
      aspect: undefined,
      model: undefined,
      from: undefined,
      to: undefined,
      favorites: undefined,
      edits: undefined,
    });
  });

  it("writes the same filters back to a query string", () => {
    const { filters } = parseHistoryParams({ q: "red fox", status: "completed", fav: "1", edits: "1" });
    expect(historySearch(filters)).toBe("?q=red+fox&status=completed&fav=1&edits=1");
    expect(parseHistoryParams(Object.fromEntries(new URLSearchParams(historySearch(filters)))).filters).toEqual(
      filters,
    );
    expect(historySearch({})).toBe("");
  });
});
