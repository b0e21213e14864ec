import { currentUser } from "@/lib/auth";
import { imageResponse } from "@/lib/images/serve";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ imageId: string }> }) {
  const user = await currentUser();
  if (!user) {
    return Response.json({ error: "unauthenticated" }, { status: 401, headers: { "cache-control": "no-store" } });
  }
  const { imageId } = await params;
  const search = new URL(request.url).searchParams;
  return imageResponse({
    imageId,
    userId: user.id,
    variant: search.get("variant") === "thumb" ? "thumb" : "original",
    download: search.get("download") === "1",
    ifNoneMatch: request.headers.get("if-none-match"),
  });
}
