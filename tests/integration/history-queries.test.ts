import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../lib/history/cursor";
import type { HistoryFilters } from "../../lib/history/filters";
import { getGeneration, getHistoryItems, type HistoryItem, listGenerations } from "../../lib/history/queries";
import { createUser, openTestDb } from "../support/db";
import { insertGeneration, insertImages } from "../support/history";

const { db } = await openTestDb();

const T0 = Date.parse("2026-11-20T12:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

/** Every row the filters select, by following cursors page after page. */
async function walk(userId: string, filters: HistoryFilters = {}, limit = 24, searchWindow?: number) {
  const pages: HistoryItem[][] = [];
  let cursor: string | null = null;
  do {
    const page = await listGenerations({
      userId,
      filters,
      limit,
      cursor: cursor ? decodeCursor(cursor) : null,
      ...(searchWindow === undefined ? {} : { searchWindow }),
    });
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

describe("history pagination", () => {
  it("pages newest first in exact page sizes and ends on the last page", async () => {
    const user = await createUser(db);
    const other = await createUser(db);
    for (let i = 0; i < 53; i++) {
      await insertGeneration(db, user.id, { createdAt: at(i) });
      await insertGeneration(db, other.id, { createdAt: at(i) });
    }
    const pages = await walk(user.id);
    expect(pages.map((p) => p.length)).toEqual([24, 24, 5]);
    const times = pages.flat().map((g) => g.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(pages.flat().map((g) => g.id)).size).toBe(53);
  });

  it("does not offer a next page when the rows end exactly on a page boundary", async () => {
    const user = await createUser(db);
    for (let i = 0; i < 48; i++) await insertGeneration(db, user.id, { createdAt: at(i) });
    const first = await listGenerations({ userId: user.id });
    expect(first.items).toHaveLength(24);
    expect(first.nextCursor).not.toBeNull();
    const second = await listGenerations({ userId: user.id, cursor: decodeCursor(first.nextCursor ?? "") });
    expect(second.items).toHaveLength(24);
    expect(second.nextCursor).toBeNull();
    expect((await walk(user.id, {}, 10)).map((p) => p.length)).toEqual([10, 10, 10, 10, 8]);
  });

  it("breaks ties on createdAt by id, so equal timestamps are neither repeated nor skipped", async () => {
    const user = await createUser(db);
    const created = [];
    for (let i = 0; i < 30; i++) created.push(await insertGeneration(db, user.id, { createdAt: at(0) }));
    for (let i = 0; i < 5; i++) created.push(await insertGeneration(db, user.id, { createdAt: at(-1) }));
    const pages = await walk(user.id, {}, 7);
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 7]);
    const ids = pages.flat().map((g) => g.id);
    const expected = [...created]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((g) => g.id);
    expect(ids).toEqual(expected);
  });

  it("returns an empty last page for a user with no generations", async () => {
    const user = await createUser(db);
    expect(await listGenerations({ userId: user.id })).toEqual({ items: [], nextCursor: null });
  });

  it("treats a cursor as a position only: a forged one still shows only the caller's rows", async () => {
    const owner = await createUser(db);
    const intruder = await createUser(db);
    const target = await insertGeneration(db, owner.id, { createdAt: at(10) });
    await insertGeneration(db, owner.id, { createdAt: at(5) });
    const mine = await insertGeneration(db, intruder.id, { createdAt: at(1) });
    const forged = decodeCursor(encodeCursor({ createdAt: target.createdAt, id: target.id }));
    const page = await listGenerations({ userId: intruder.id, cursor: forged });
    expect(page.items.map((g) => g.id)).toEqual([mine.id]);
  });

  it("shows each generation's first image as its cover, and how many images it has", async () => {
    const user = await createUser(db);
    const generation = await insertGeneration(db, user.id, { numImages: 3 });
    const images = await insertImages(db, generation, 3);
    const failed = await insertGeneration(db, user.id, { status: "FAILED", createdAt: at(-5) });
    const { items } = await listGenerations({ userId: user.id });
    expect(items[0]).toMatchObject({ id: generation.id, imageCount: 3, cover: { id: images[0]?.id, index: 0 } });
    expect(items[1]).toMatchObject({
      id: failed.id,
      imageCount: 0,
      cover: null,
      refundedCredits: 3,
      errorMessage: expect.stringContaining("refunded"),
    });
  });
});

describe("history search", () => {
  it("finds prompts by whole words, prefixes, phrases and exclusions, ignoring case", async () => {
    const user = await createUser(db);
    const other = await createUser(db);
    const lighthouse = await insertGeneration(db, user.id, { prompt: "A Lighthouse in the fog", createdAt: at(3) });
    const fox = await insertGeneration(db, user.id, { prompt: "A red fox in winter", createdAt: at(2) });
    const foxSummer = await insertGeneration(db, user.id, { prompt: "A red fox in summer", createdAt: at(1) });
    await insertGeneration(db, other.id, { prompt: "A lighthouse of someone else" });
    const search = async (q: string) =>
      (await listGenerations({ userId: user.id, filters: { q } })).items.map((g) => g.id);
    expect(await search("lighthouse")).toEqual([lighthouse.id]);
    expect(await search("LIGHTH")).toEqual([lighthouse.id]);
    expect(await search("red fox")).toEqual([fox.id, foxSummer.id]);
    expect(await search('"fox in winter"')).toEqual([fox.id]);
    expect(await search("fox -winter")).toEqual([foxSummer.id]);
    expect(await search("fox lighthouse")).toEqual([]);
    expect(await search("zebra")).toEqual([]);
    // Nothing searchable in it: the filter is ignored rather than failing.
    expect(await search('\'; DROP TABLE "Generation"; --')).toEqual([]);
    expect(await search("!!! ::")).toHaveLength(3);
  });

  it("answers the same from the per-user terms index, and only with this user's rows", async () => {
    const user = await createUser(db);
    const other = await createUser(db);
    const prompts = [
      "A Lighthouse in the fog",
      "A red fox in winter",
      "A red fox in summer",
      "sci-fi city at night, 35mm",
      "Café 東京 at dawn",
      "foxglove meadow",
    ];
    const made = [];
    for (const [i, prompt] of prompts.entries()) {
      made.push(await insertGeneration(db, user.id, { prompt, createdAt: at(10 - i) }));
      // Every word is also another user's, many times over: none of those rows may come back.
      await insertGeneration(db, other.id, { prompt, createdAt: at(20 - i) });
    }
    const [lighthouse, fox, foxSummer, scifi, cafe, foxglove] = made.map((g) => g.id);
    // Window 0: every search goes to the index, as a word rare for this user does.
    const search = async (q: string) =>
      (await listGenerations({ userId: user.id, filters: { q }, searchWindow: 0 })).items.map((g) => g.id);
    expect(await search("LIGHTH")).toEqual([lighthouse]);
    expect(await search("fox")).toEqual([fox, foxSummer, foxglove]);
    expect(await search("red fox")).toEqual([fox, foxSummer]);
    expect(await search('"fox in winter"')).toEqual([fox]);
    expect(await search("fox -winter")).toEqual([foxSummer, foxglove]);
    expect(await search("sci-fi 35mm")).toEqual([scifi]);
    expect(await search("café 東京")).toEqual([cafe]);
    expect(await search("zebra")).toEqual([]);
    for (const q of ["LIGHTH", "fox", "red fox", '"fox in winter"', "fox -winter", "sci-fi", "café", "zebra"]) {
      expect(await search(q), q).toEqual(
        (await listGenerations({ userId: user.id, filters: { q } })).items.map((g) => g.id),
      );
    }
  });

  it("has an index that serves the per-user terms expression", async () => {
    const user = await createUser(db);
    await insertGeneration(db, user.id, { prompt: "a heron at dusk" });
    const plan = await db.$transaction(async (tx) => {
      // A handful of rows never needs an index; forbidding the alternatives shows one can be used.
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      const rows = await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN SELECT g."id" FROM "Generation" g WHERE generation_user_terms(g."userId", g."prompt") @@ CAST($1 AS tsquery)`,
        `'${user.id}:heron':*`,
      );
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("Generation_userTerms_idx");
  });

  it("pages through search results by cursor", async () => {
    const user = await createUser(db);
    for (let i = 0; i < 12; i++) {
      await insertGeneration(db, user.id, { prompt: `owl portrait ${i}`, createdAt: at(i) });
      await insertGeneration(db, user.id, { prompt: `cat portrait ${i}`, createdAt: at(i) });
    }
    const pages = await walk(user.id, { q: "owl" }, 5);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat().every((g) => g.prompt.startsWith("owl"))).toBe(true);
  });
});

describe("search window", () => {
  it("gives the same pages whether the window or the full-text index answers", async () => {
    const user = await createUser(db);
    const other = await createUser(db);
    for (let i = 0; i < 40; i++) {
      const prompt = i % 3 === 0 ? `heron ${i}` : `sparrow ${i}`;
      // Ties on createdAt in pairs, so ids decide the order inside the window too.
      await insertGeneration(db, user.id, { prompt, createdAt: at(Math.floor(i / 2)), favorite: i % 2 === 0 });
      await insertGeneration(db, other.id, { prompt: `heron ${i}`, createdAt: at(i) });
    }
    const ids = async (filters: HistoryFilters, window: number) =>
      (await walk(user.id, filters, 4, window)).map((page) => page.map((g) => g.id));
    for (const filters of [{ q: "heron" }, { q: "heron", favorites: true }, { q: "sparrow" }, { q: "crane" }]) {
      const byIndex = await ids(filters, 0);
      for (const window of [1, 2, 5, 12, 2000]) {
        expect(await ids(filters, window), `${JSON.stringify(filters)} window ${window}`).toEqual(byIndex);
      }
    }
    expect((await ids({ q: "heron" }, 0)).flat()).toHaveLength(14);
  });
});

describe("history filters", () => {
  it("filters by status, aspect, model, date range and favourites, alone and combined", async () => {
    const user = await createUser(db);
    const other = await createUser(db);
    const a = await insertGeneration(db, user.id, {
      prompt: "alpha owl",
      createdAt: new Date("2026-11-01T00:00:00.000Z"),
      aspect: "16:9",
      favorite: true,
    });
    const b = await insertGeneration(db, user.id, {
      prompt: "beta owl",
      createdAt: new Date("2026-11-03T23:59:59.999Z"),
      status: "FAILED",
      aspect: "16:9",
    });
    const c = await insertGeneration(db, user.id, {
      prompt: "gamma cat",
      createdAt: new Date("2026-11-04T00:00:00.000Z"),
      status: "RUNNING",
      model: "bytedance/seedream-v4-edit",
      favorite: true,
    });
    const d = await insertGeneration(db, user.id, {
      prompt: "delta cat",
      createdAt: new Date("2026-10-31T23:59:59.999Z"),
      status: "QUEUED",
      aspect: "3:2",
    });
    await insertGeneration(db, other.id, {
      prompt: "alpha owl",
      createdAt: new Date("2026-11-02T00:00:00.000Z"),
      aspect: "16:9",
      favorite: true,
    });
    const ids = async (filters: HistoryFilters) =>
      (await listGenerations({ userId: user.id, filters })).items.map((g) => g.id);

    expect(await ids({})).toEqual([c.id, b.id, a.id, d.id]);
    expect(await ids({ status: "completed" })).toEqual([a.id]);
    expect(await ids({ status: "failed" })).toEqual([b.id]);
    expect(await ids({ status: "running" })).toEqual([c.id]);
    expect(await ids({ status: "queued" })).toEqual([d.id]);
    expect(await ids({ aspect: "16:9" })).toEqual([b.id, a.id]);
    expect(await ids({ aspect: "3:2" })).toEqual([d.id]);
    expect(await ids({ model: "bytedance/seedream-v4-edit" })).toEqual([c.id]);
    expect(await ids({ favorites: true })).toEqual([c.id, a.id]);
    // Both ends of a date range are whole UTC days, inclusive.
    expect(await ids({ from: "2026-11-01", to: "2026-11-03" })).toEqual([b.id, a.id]);
    expect(await ids({ from: "2026-11-04" })).toEqual([c.id]);
    expect(await ids({ to: "2026-10-31" })).toEqual([d.id]);
    expect(await ids({ from: "2026-11-05" })).toEqual([]);
    expect(await ids({ aspect: "16:9", favorites: true })).toEqual([a.id]);
    expect(await ids({ q: "owl", status: "failed" })).toEqual([b.id]);
    expect(await ids({ q: "cat", favorites: true, from: "2026-11-02" })).toEqual([c.id]);
    expect(
      await ids({
        q: "owl",
        aspect: "16:9",
        favorites: true,
        status: "completed",
        from: "2026-11-01",
        to: "2026-11-01",
      }),
    ).toEqual([a.id]);
    expect(await ids({ q: "owl", model: "bytedance/seedream-v4-edit" })).toEqual([]);
  });

  it("pages through a filtered history by cursor", async () => {
    const user = await createUser(db);
    for (let i = 0; i < 30; i++) {
      await insertGeneration(db, user.id, { createdAt: at(i), favorite: i % 3 === 0 });
    }
    const pages = await walk(user.id, { favorites: true }, 4);
    expect(pages.map((p) => p.length)).toEqual([4, 4, 2]);
    expect(pages.flat().every((g) => g.favorite)).toBe(true);
  });
});

describe("edits filter", () => {
  /** A reference of the user's, and lineage rows saying each generation was made from it. */
  async function madeFromReference(userId: string, generationIds: string[]) {
    const reference = await db.referenceImage.create({
      data: {
        userId,
        storageKey: `references/${userId}/${generationIds.join("-")}`,
        thumbKey: `references/${userId}/${generationIds.join("-")}.thumb`,
        contentType: "image/png",
        width: 64,
        height: 64,
        bytes: 100,
        sha256: "0".repeat(64),
      },
    });
    for (const generationId of generationIds) {
      await db.generationReference.create({ data: { generationId, referenceImageId: reference.id, position: 0 } });
    }
  }

  it("returns only the user's generations made from references, with the other filters and by cursor", async () => {
    const user = await createUser(db);
    const other = await createUser(db);
    const plain = await insertGeneration(db, user.id, { createdAt: at(0), favorite: true });
    const edit = await insertGeneration(db, user.id, {
      createdAt: at(1),
      model: "bytedance/seedream-v4-edit",
      favorite: true,
    });
    const upscale = await insertGeneration(db, user.id, {
      createdAt: at(2),
      model: "bytedance/dreamina-creative-upscale",
    });
    const theirs = await insertGeneration(db, other.id, { createdAt: at(3), model: "bytedance/seedream-v4-edit" });
    await madeFromReference(user.id, [edit.id, upscale.id]);
    await madeFromReference(other.id, [theirs.id]);
    const ids = async (filters: HistoryFilters, userId = user.id) =>
      (await listGenerations({ userId, filters })).items.map((g) => g.id);

    expect(await ids({})).toEqual([upscale.id, edit.id, plain.id]);
    expect(await ids({ edits: true })).toEqual([upscale.id, edit.id]);
    expect(await ids({ edits: true, favorites: true })).toEqual([edit.id]);
    expect(await ids({ edits: true, model: "bytedance/seedream-v4-text-to-image" })).toEqual([]);
    expect(await ids({ edits: true }, other.id)).toEqual([theirs.id]);
    expect((await walk(user.id, { edits: true }, 1)).map((p) => p.map((g) => g.id))).toEqual([[upscale.id], [edit.id]]);
  });
});

describe("refreshing generations in flight", () => {
  it("returns the current state of the given ids, the caller's only", async () => {
    const user = await createUser(db);
    const other = await createUser(db);
    const running = await insertGeneration(db, user.id, { status: "RUNNING" });
    const theirs = await insertGeneration(db, other.id, { status: "RUNNING" });
    await db.generation.update({ where: { id: running.id }, data: { status: "COMPLETED" } });
    await insertImages(db, running, 1);
    const items = await getHistoryItems({ userId: user.id, ids: [running.id, theirs.id] });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: running.id, status: "COMPLETED", imageCount: 1 });
    expect(await getHistoryItems({ userId: user.id, ids: [] })).toEqual([]);
  });
});

describe("generation detail", () => {
  it("returns the owner's generation with its images in order", async () => {
    const user = await createUser(db);
    const generation = await insertGeneration(db, user.id, { numImages: 2, seedUsed: 4_294_967_295n });
    await insertImages(db, generation, 2);
    const detail = await getGeneration({ userId: user.id, id: generation.id });
    expect(detail?.images.map((i) => i.index)).toEqual([0, 1]);
    expect(detail?.seedUsed).toBe(4_294_967_295n);
  });
});
