import { currentUser } from "@/lib/auth";
import { MAX_ZIP_GENERATIONS, zipInput } from "@/lib/history/schemas";
import { zipEntries, zipStream } from "@/lib/history/zip";

// GET /history/download?ids=<id>&ids=<id>... : the originals of the signed-in user's selected
// generations as one zip. Ids of other users' generations are ignored like unknown ones.

export async function GET(request: Request): Promise<Response> {
  const user = await currentUser();
  if (!user) return text(401, "Sign in to download your images.");
  const ids = new URL(request.url).searchParams.getAll("ids").flatMap((v) => v.split(","));
  const parsed = zipInput.safeParse({ ids });
  if (!parsed.success) {
    return text(400, `Select between 1 and ${MAX_ZIP_GENERATIONS} generations to download.`);
  }
  const entries = await zipEntries({ userId: user.id, generationIds: parsed.data.ids });
  if (entries.length === 0) return text(404, "None of those generations has images in your history.");
  const day = new Date().toISOString().slice(0, 10);
  return new Response(zipStream(entries), {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="atelier-${day}.zip"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

function text(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
