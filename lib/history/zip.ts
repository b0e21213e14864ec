import "server-only";
import { Zip, ZipPassThrough } from "fflate";
import { db } from "@/lib/db";
import { objectStore } from "@/lib/storage";

// A zip of the originals of some of a user's generations, streamed: one image is read from the
// store at a time, as the client reads, so memory stays at one image however many are selected.
// Images are stored uncompressed in the zip (they are PNG/JPEG/WebP: compressing again gains nothing).

const EXTENSIONS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };

export type ZipEntry = { name: string; storageKey: string };

/** The owned images among `generationIds`, each with its file name in the zip. */
export async function zipEntries({ userId, generationIds }: { userId: string; generationIds: string[] }) {
  const images = await db().image.findMany({
    where: { userId, generationId: { in: generationIds }, generation: { userId } },
    orderBy: [{ generationId: "asc" }, { index: "asc" }],
    select: {
      index: true,
      storageKey: true,
      contentType: true,
      generation: { select: { id: true, prompt: true } },
    },
  });
  return images.map(
    (image): ZipEntry => ({
      name: `${slug(image.generation.prompt)}-${image.generation.id}-${image.index + 1}.${EXTENSIONS[image.contentType] ?? "bin"}`,
      storageKey: image.storageKey,
    }),
  );
}

function slug(prompt: string): string {
  const words = prompt
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return words.slice(0, 40).replace(/-+$/, "") || "image";
}

/** The zip file as a byte stream. A missing object is left out rather than failing the download. */
export function zipStream(entries: ZipEntry[]): ReadableStream<Uint8Array> {
  const store = objectStore();
  let next = 0;
  let zip: Zip | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      zip = new Zip((error, chunk, final) => {
        if (error) {
          controller.error(error);
          return;
        }
        controller.enqueue(chunk);
        if (final) controller.close();
      });
    },
    async pull() {
      if (!zip) return;
      const entry = entries[next++];
      if (!entry) {
        zip.end();
        return;
      }
      const bytes = await store.get(entry.storageKey);
      if (!bytes) return;
      const file = new ZipPassThrough(entry.name);
      zip.add(file);
      file.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), true);
    },
  });
}
