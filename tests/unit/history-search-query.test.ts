import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../lib/history/cursor";
import { historySearch, parseHistoryParams } from "../../lib/history/filters";
import { parseSearch, userTermsTsQuery } from "../../lib/history/search-query";

const tsquery = (input: string) => parseSearch(input)?.tsquery ?? null;

describe("search text to tsquery", () => {
  it("matches every word as a prefix, all required", () => {
    expect(tsquery("Lighthouse  FOG")).toBe("lighthouse:* & fog:*");
  });

  it("keeps quoted words together as a phrase and excludes words with a minus", () => {
    expect(tsquery('"red fox" -winter')).toBe("(red <-> fox) & !winter:*");
  });

  it("splits hyphenated words the way the 'simple' parser indexes them", () => {
    expect(tsquery("sci-fi")).toBe("(sci:* & fi:*)");
  });

  it("drops tsquery syntax and SQL from the input", () => {
    expect(tsquery("a:* | b & !c ' ; DROP TABLE x")).toBe("a:* & b:* & c:* & drop:* & table:* & x:*");
    expect(parseSearch("())) <-> ::")).toBeNull();
  });

  it("ignores a query of exclusions only, and blank input", () => {
    expect(tsquery("-cat")).toBeNull();
    expect(tsquery("   ")).toBeNull();
  });

  it("keeps letters of any script", () => {
    expect(tsquery("Café 東京")).toBe("café:* & 東京:*");
  });

  it("caps the number of terms", () => {
    const search = parseSearch(Array.from({ length: 20 }, (_, i) => `w${i}`).join(" "));
    expect(search?.tsquery.split(" & ")).toHaveLength(8);
    expect(search?.words).toHaveLength(8);
  });

  it("lists the words every match contains, for the per-user terms index", () => {
    expect(parseSearch('"red fox" sci-fi -winter')?.words).toEqual(["red", "fox", "sci", "fi"]);
    expect(userTermsTsQuery("cmuser01", ["red", "fox"])).toBe("'cmuser01:red':* & 'cmuser01:fox':*");
    // An id that could carry tsquery syntax is never written into one.
    expect(userTermsTsQuery("x' | 'y", ["red"])).toBeNull();
    expect(userTermsTsQuery("cmuser01", [])).toBeNull();
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
