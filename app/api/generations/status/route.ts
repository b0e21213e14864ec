import { z } from "zod";
import { getAccountSummary } from "@/lib/account";
import { currentUser } from "@/lib/auth";
import { generationViews } from "@/lib/generations/queries";

// Polled by the studio page (about twice a second, only while one of its cards is pending):
// the current state of the caller's own generations, and their balance for the form.
export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };
const idsSchema = z
  .string()
  .max(2000)
  .transform((v) => [...new Set(v.split(",").filter(Boolean))])
  .pipe(z.array(z.string().regex(/^[a-z0-9]{10,40}$/)).max(50));

export async function GET(request: Request) {
  const user = await currentUser();
  if (!user) return Response.json({ error: "unauthenticated" }, { status: 401, headers: NO_STORE });
  const ids = idsSchema.safeParse(new URL(request.url).searchParams.get("ids") ?? "");
  if (!ids.success) return Response.json({ error: "invalid_ids" }, { status: 400, headers: NO_STORE });
  const [generations, account] = await Promise.all([
    generationViews({ userId: user.id, ids: ids.data }),
    getAccountSummary({ userId: user.id }),
  ]);
  return Response.json({ generations, balance: account.creditBalance }, { headers: NO_STORE });
}
