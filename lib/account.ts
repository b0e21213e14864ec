import "server-only";
import { db } from "@/lib/db";

export async function getAccountSummary({ userId }: { userId: string }) {
  const user = await db().user.findUniqueOrThrow({
    where: { id: userId },
    select: { email: true, creditBalance: true, spendingLocked: true },
  });
  return user;
}
