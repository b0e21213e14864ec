import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";

// Every way into the history, tried by user B against user A's generations: pages' queries,
// server actions, and route handlers. The actions and routes run for real; only the session lookup
// (Auth.js reading a cookie) is replaced by "who is signed in" for the test.

const session = vi.hoisted(() => ({ user: null as { id: string; email: string } | null }));
vi.mock("@/lib/auth", () => ({ currentUser: async () => session.user }));

const storageDir = mkdtempSync(path.join(os.tmpdir(), "atelier-history-access-"));
process.env.STORAGE_DIR = storageDir;

const actions = await import("../../app/(studio)/history/actions");
const { GET: downloadZip } = await import("../../app/(studio)/history/download/route");
const { GET: serveImage } = await import("../../app/api/images/[imageId]/route");
const { GET: shareImage } = await import("../../app/s/[token]/image/[index]/route");
const { encodeCursor } = await import("../../lib/history/cursor");
const { getGeneration, listGenerations } = await import("../../lib/history/queries");
const { createShareLink, listShareLinks, resolveShareToken } = await import("../../lib/history/share");
const { zipEntries } = await import("../../lib/history/zip");
const { objectStore } = await import("../../lib/storage");
const { createUser, openTestDb } = await import("../support/db");
const { insertGeneration, insertImages } = await import("../support/history");

const { db } = await openTestDb();

const alice = await createUser(db, { email: "alice@example.com", credits: 30 });
const bob = await createUser(db, { email: "bob@example.com", credits: 30 });
const aliceGen = await insertGeneration(db, alice.id, { prompt: "alice's secret lighthouse", numImages: 2 });
const aliceImages = await insertImages(db, aliceGen, 2, objectStore());
const aliceRunning = await insertGeneration(db, alice.id, { status: "RUNNING", prompt: "alice's running owl" });
const bobGen = await insertGeneration(db, bob.id, { prompt: "bob's own fox" });
await insertImages(db, bobGen, 1, objectStore());
const aliceShare = await createShareLink({ userId: alice.id, generationId: aliceGen.id, expiresIn: "never" });
if (!aliceShare.ok) throw new Error("share not created");

const asBob = () => {
  session.user = { id: bob.id, email: "bob@example.com" };
};
const stored = (key: string) => existsSync(path.join(storageDir, ...key.split("/")));

async function expectAliceUntouched() {
  const generation = await db.generation.findUniqueOrThrow({ where: { id: aliceGen.id } });
  expect(generation.favorite).toBe(false);
  expect(await db.image.count({ where: { generationId: aliceGen.id } })).toBe(2);
  expect(aliceImages.every((i) => stored(i.storageKey) && i.thumbKey !== null && stored(i.thumbKey))).toBe(true);
  expect(await resolveShareToken({ token: aliceShare.ok ? aliceShare.token : "" })).not.toBeNull();
}

describe("user B cannot reach user A's generations", () => {
  it("list: B's history, search and cursors show only B's rows", async () => {
    asBob();
    const all = await listGenerations({ userId: bob.id });
    expect(all.items.map((g) => g.id)).toEqual([bobGen.id]);
    expect((await listGenerations({ userId: bob.id, filters: { q: "alice lighthouse" } })).items).toEqual([]);
    // A cursor pointing just above A's row is a position, not a grant.
    const cursor = encodeCursor({ createdAt: new Date(aliceGen.createdAt.getTime() + 1), id: aliceGen.id });
    const page = await actions.loadHistoryPage({ filters: {}, cursor });
    expect(page.ok && page.data.items.every((g) => g.id === bobGen.id)).toBe(true);
    expect(await actions.refreshHistoryItems({ ids: [aliceGen.id, aliceRunning.id, bobGen.id] })).toMatchObject({
      ok: true,
      data: [{ id: bobGen.id }],
    });
    expect(await actions.loadHistoryPage({ filters: {}, cursor: "tampered-cursor" })).toMatchObject({
      ok: false,
      error: { code: "invalid_cursor" },
    });
  });

  it("view: the detail query finds nothing (the page answers 404)", async () => {
    expect(await getGeneration({ userId: bob.id, id: aliceGen.id })).toBeNull();
    expect(await getGeneration({ userId: bob.id, id: bobGen.id })).not.toBeNull();
  });

  it("download: neither the image route nor the zip route serves A's files", async () => {
    asBob();
    for (const image of aliceImages) {
      for (const query of ["", "?variant=thumb", "?download=1"]) {
        const response = await serveImage(new Request(`http://localhost/api/images/${image.id}${query}`), {
          params: Promise.resolve({ imageId: image.id }),
        });
        expect(response.status).toBe(404);
      }
    }
    const zip = await downloadZip(new Request(`http://localhost/history/download?ids=${aliceGen.id}`));
    expect(zip.status).toBe(404);
    const mixed = await zipEntries({ userId: bob.id, generationIds: [aliceGen.id, bobGen.id] });
    expect(mixed.map((e) => e.storageKey)).toEqual([`images/${bob.id}/${bobGen.id}/0.png`]);
    const both = await downloadZip(new Request(`http://localhost/history/download?ids=${aliceGen.id},${bobGen.id}`));
    expect(both.status).toBe(200);
    expect(both.headers.get("content-type")).toBe("application/zip");
    await both.arrayBuffer();
  });

  it("favourite: the action changes nothing of A's", async () => {
    asBob();
    expect(await actions.setFavoriteAction({ ids: [aliceGen.id], favorite: true })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    expect(await actions.setFavoriteAction({ ids: [aliceGen.id, bobGen.id], favorite: true })).toEqual({
      ok: true,
      data: { updated: 1 },
    });
    await expectAliceUntouched();
  });

  it("delete: the action removes neither A's rows nor A's files", async () => {
    asBob();
    expect(await actions.deleteGenerationsAction({ ids: [aliceGen.id, aliceRunning.id] })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    await expectAliceUntouched();
    expect(await db.generation.count({ where: { userId: alice.id } })).toBe(2);
  });

  it("share: B can neither create, list nor revoke links to A's generations", async () => {
    asBob();
    expect(await actions.createShareLinkAction({ generationId: aliceGen.id, expiresIn: "never" })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    expect(await listShareLinks({ userId: bob.id, generationId: aliceGen.id })).toEqual([]);
    if (!aliceShare.ok) throw new Error("share not created");
    expect(await actions.revokeShareLinkAction({ id: aliceShare.link.id })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    const image = await shareImage(new Request(`http://localhost/s/${aliceShare.token}/image/0`), {
      params: Promise.resolve({ token: aliceShare.token, index: "0" }),
    });
    expect(image.status).toBe(200);
    await expectAliceUntouched();
    expect(await db.shareLink.count({ where: { generationId: aliceGen.id } })).toBe(1);
  });

  it("re-run: B cannot spend credits re-running A's generation", async () => {
    asBob();
    expect(await actions.rerunAction({ generationId: aliceGen.id, idempotencyKey: "bob-tries-alice-1" })).toMatchObject(
      { ok: false, error: { code: "not_found" } },
    );
    expect(await db.generation.count({ where: { userId: bob.id } })).toBe(1);
    expect((await db.user.findUniqueOrThrow({ where: { id: bob.id } })).creditBalance).toBe(30);
  });

  it("upscale: B cannot upscale (or make a reference of) A's image", async () => {
    asBob();
    for (const image of aliceImages) {
      expect(
        await actions.upscaleImageAction({ imageId: image.id, resolution: "2k", idempotencyKey: "bob-upscales-1" }),
      ).toMatchObject({ ok: false, error: { code: "not_found" } });
    }
    expect(await db.generation.count({ where: { userId: bob.id } })).toBe(1);
    expect(await db.referenceImage.count({ where: { userId: bob.id } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: bob.id } })).creditBalance).toBe(30);
    await expectAliceUntouched();
  });

  it("signed out: every action and route refuses", async () => {
    session.user = null;
    const refused = { ok: false, error: { code: "unauthenticated" } };
    expect(
      await actions.loadHistoryPage({ filters: {}, cursor: encodeCursor({ createdAt: new Date(), id: bobGen.id }) }),
    ).toMatchObject(refused);
    expect(await actions.setFavoriteAction({ ids: [aliceGen.id], favorite: true })).toMatchObject(refused);
    expect(await actions.deleteGenerationsAction({ ids: [aliceGen.id] })).toMatchObject(refused);
    expect(await actions.createShareLinkAction({ generationId: aliceGen.id, expiresIn: "never" })).toMatchObject(
      refused,
    );
    expect(await actions.rerunAction({ generationId: aliceGen.id, idempotencyKey: "anon-1234" })).toMatchObject(
      refused,
    );
    expect(
      await actions.upscaleImageAction({ imageId: aliceImages[0]?.id, resolution: "2k", idempotencyKey: "anon-1234" }),
    ).toMatchObject(refused);
    expect((await downloadZip(new Request(`http://localhost/history/download?ids=${aliceGen.id}`))).status).toBe(401);
    await expectAliceUntouched();
  });

  it("input is validated before any query runs", async () => {
    asBob();
    expect(await actions.setFavoriteAction({ ids: [], favorite: true })).toMatchObject({
      ok: false,
      error: { code: "invalid_input" },
    });
    expect(
      await actions.deleteGenerationsAction({ ids: Array.from({ length: 101 }, (_, i) => `id${i}`) }),
    ).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    expect(await actions.deleteGenerationsAction({ ids: ['\'; DROP TABLE "Generation"; --'] })).toMatchObject({
      ok: false,
      error: { code: "invalid_input" },
    });
    const tooMany = Array.from({ length: 51 }, (_, i) => `id${i}`).join(",");
    expect((await downloadZip(new Request(`http://localhost/history/download?ids=${tooMany}`))).status).toBe(400);
  });
});
