import { apiBalance } from "@/lib/api/balance";
import { apiRoute } from "@/lib/api/route";

export const dynamic = "force-dynamic";

// The caller's balance and their most recent ledger movements.
export const GET = apiRoute("read", async ({ caller }) => Response.json(await apiBalance({ userId: caller.userId })));
