import { z } from "zod";
import { MAX_ZIP_GENERATIONS, zipInput } from "@/lib/history/schemas";
import { zipEntries, zipStream } from "@/lib/history/zip";
import { route, routeError } from "@/lib/route";

// GET /history/download?ids=<id>&ids=<id>... : the originals of the signed-in user's selected
// generations as one zip. Ids of other users' generations are ignored like unknown ones.

const query = z.object({
  ids: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => [v].flat().flatMap((id) => id.split(",")))
    .pipe(zipInput.shape.ids),
});

export const GET = route(
  {
    auth: "user",
    query,
    invalidQueryMessage: `Select between 1 and ${MAX_ZIP_GENERATIONS} generations to download.`,
  },
  async ({ query, user }) => {
    const entries = await zipEntries({ userId: user.id, generationIds: query.ids });
    if (entries.length === 0) {
      return routeError(404, "not_found", "None of those generations has images in your history.");
    }
    const day = new Date().toISOString().slice(0, 10);
    return new Response(zipStream(entries), {
      headers: {
        "Content-Type": "application/zip",
        "Content-Disposition": `attachment; filename="atelier-${day}.zip"`,
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  },
);
