import type { VerificationToken } from "next-auth/adapters";
import type { Db } from "@/lib/db";

// Only the newest sign-in link of an address works: storing a new token deletes the address's
// older unused ones in the same transaction, under a lock on the address so that concurrent
// requests cannot both keep theirs.

const LOCK_NAMESPACE = 7_418_001;

export async function replaceVerificationToken(database: Db, token: VerificationToken): Promise<VerificationToken> {
  return database.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(${LOCK_NAMESPACE}::int4, hashtext(${token.identifier}::text))`;
    await tx.verificationToken.deleteMany({ where: { identifier: token.identifier } });
    return tx.verificationToken.create({ data: token });
  });
}
