import { mkdtempSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDiskStore } from "../../lib/storage/disk";
import { createS3Store } from "../../lib/storage/s3";
import { imageKey, type ObjectStore, thumbKey } from "../../lib/storage/types";
import { startFakeS3 } from "../support/fake-s3";

const s3 = await startFakeS3();
afterAll(() => s3.close());
const root = mkdtempSync(path.join(os.tmpdir(), "atelier-store-"));

const stores: [string, ObjectStore][] = [
  ["disk", createDiskStore(root)],
  [
    "S3",
    createS3Store({
      bucket: s3.bucket,
      region: "us-east-1",
      endpoint: s3.url,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    }),
  ],
];

describe.each(stores)("%s store", (_name, store) => {
  it("round-trips bytes, reports a missing key as null and deletes idempotently", async () => {
    const key = imageKey("user1", "gen1", 0, "png");
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    await store.put(key, bytes, "image/png");
    expect(await store.get(key)).toEqual(bytes);

    const replaced = Buffer.from("second version");
    await store.put(key, replaced, "image/png");
    expect(await store.get(key)).toEqual(replaced);

    expect(await store.get(imageKey("user1", "gen1", 9, "png"))).toBeNull();
    await store.put(thumbKey("user1", "gen1", 0), Buffer.from("thumb"), "image/webp");
    await store.delete([key, thumbKey("user1", "gen1", 0), imageKey("user1", "nope", 0, "png")]);
    expect(await store.get(key)).toBeNull();
    expect(await store.get(thumbKey("user1", "gen1", 0))).toBeNull();
    await store.delete([]);
  });

  it.each(["../escape.png", "/etc/passwd", "images/../../x", "images//x", "images/./x", "a\\b", "images/x\0y", ""])(
    "refuses the key %j",
    async (key) => {
      await expect(store.put(key, Buffer.from("x"), "image/png")).rejects.toThrow(/unsafe storage key/);
      await expect(store.get(key)).rejects.toThrow(/unsafe storage key/);
      await expect(store.delete([key])).rejects.toThrow(/unsafe storage key/);
    },
  );
});

describe("disk store", () => {
  it("keeps files under its root and leaves no temporary files", async () => {
    const store = createDiskStore(root);
    const key = imageKey("user2", "gen2", 1, "webp");
    await Promise.all(Array.from({ length: 5 }, (_, i) => store.put(key, Buffer.from(`v${i}`), "image/webp")));
    expect((await readFile(path.join(root, key))).toString()).toMatch(/^v\d$/);
    expect(await readdir(path.join(root, "images/user2/gen2"))).toEqual(["1.webp"]);
  });
});

describe("S3 store", () => {
  it("sends the content type and deletes in batches beyond the request maximum", async () => {
    const store = stores[1]?.[1];
    if (!store) throw new Error("no S3 store");
    await store.put("images/u/g/0.png", Buffer.from("x"), "image/png");
    expect(s3.objects.get("images/u/g/0.png")?.contentType).toBe("image/png");
    const keys = Array.from({ length: 1001 }, (_, i) => `images/u/many/${i}.png`);
    for (const key of keys.slice(0, 3).concat(keys.slice(-2))) await store.put(key, Buffer.from("x"), "image/png");
    s3.operations.length = 0;
    await store.delete(keys);
    expect(s3.operations).toEqual(["DeleteObjects", "DeleteObjects"]);
    expect([...s3.objects.keys()].filter((k) => k.startsWith("images/u/many/"))).toEqual([]);
  });

  it("fails loudly with the wrong credentials", async () => {
    const wrong = createS3Store({
      bucket: s3.bucket,
      region: "us-east-1",
      endpoint: s3.url,
      forcePathStyle: true,
      credentials: { accessKeyId: "AKIAWRONG", secretAccessKey: "x" },
    });
    await expect(wrong.put("images/u/g/1.png", Buffer.from("x"), "image/png")).rejects.toThrow();
  });
});
