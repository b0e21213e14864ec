import { getAccountSummary } from "@/lib/account";
import { currentUser } from "@/lib/auth";
import { generationIdsParam } from "@/lib/generations/ids";
import { generationViews } from "@/lib/generations/queries";

// The current state of the caller's own generations, and their balance for the form. Pages read
// it only while their event stream (../events) is down: twice a second while a card is pending.
export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

export async function GET(request: Request) {
  const user = await currentUser();
  if (!user) return Response.json({ error: "unauthenticated" }, { status: 401, headers: NO_STORE });
  const ids = generationIdsParam.safeParse(new URL(request.url).searchParams.get("ids") ?? "");
  if (!ids.success) return Response.json({ error: "invalid_ids" }, { status: 400, headers: NO_STORE });
  const [generations, account] = await Promise.all([
    generationViews({ userId: user.id, ids: ids.data }),
    getAccountSummary({ userId: user.id }),
  ]);
  return Response.json({ generations, balance: account.creditBalance }, { headers: NO_STORE });
}
