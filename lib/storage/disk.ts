import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { assertSafeKey } from "@/lib/storage/key";
import type { ObjectStore } from "@/lib/storage/types";

/** Objects as files under `root`. Writes are atomic: a reader sees the old file, the new one, or none. */
export function createDiskStore(root: string): ObjectStore {
  const base = path.resolve(root);
  const fileFor = (key: string) => {
    assertSafeKey(key);
    return path.join(base, ...key.split("/"));
  };

  return {
    async put(key, body) {
      const file = fileFor(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        await writeFile(temp, body, { flush: true });
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    async get(key) {
      try {
        return await readFile(fileFor(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async delete(keys) {
      const files = keys.map(fileFor);
      await Promise.all(files.map((file) => rm(file, { force: true })));
    },
  };
}
