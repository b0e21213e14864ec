import "server-only";
import type { ApiBalance } from "@/lib/api/schemas";
import { db } from "@/lib/db";

const RECENT_MOVEMENTS = 20;

export async function apiBalance({ userId }: { userId: string }): Promise<ApiBalance> {
  const [user, movements] = await Promise.all([
    db().user.findUniqueOrThrow({ where: { id: userId }, select: { creditBalance: true } }),
    db().creditMovement.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: RECENT_MOVEMENTS,
    }),
  ]);
  return {
    object: "balance",
    credits: user.creditBalance,
    movements: movements.map((m) => ({
      id: m.id,
      kind: m.kind.toLowerCase(),
      amount: m.amount,
      balance_after: m.balanceAfter,
      reason: m.reason,
      generation_id: m.generationId,
      created: Math.floor(m.createdAt.getTime() / 1000),
    })),
  };
}
