-- The admin area (/admin): an operator's freeze on an account, and the audit log of admin actions.

-- AlterTable
ALTER TABLE "User" ADD COLUMN "frozen" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "AdminAuditEntry" (
    "id" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "actorEmail" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetUserId" TEXT,
    "targetEmail" TEXT,
    "reason" TEXT,
    "details" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdminAuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AdminAuditEntry_createdAt_id_idx" ON "AdminAuditEntry"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "AdminAuditEntry_targetUserId_createdAt_idx" ON "AdminAuditEntry"("targetUserId", "createdAt" DESC);

-- The audit log is append-only, like the credit ledger: nothing rewrites or removes what an admin did.
CREATE FUNCTION "AdminAuditEntry_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AdminAuditEntry is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER "AdminAuditEntry_no_update_delete"
  BEFORE UPDATE OR DELETE ON "AdminAuditEntry"
  FOR EACH ROW EXECUTE FUNCTION "AdminAuditEntry_append_only"();

-- TRUNCATE bypasses row triggers; refuse it too.
CREATE TRIGGER "AdminAuditEntry_no_truncate"
  BEFORE TRUNCATE ON "AdminAuditEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION "AdminAuditEntry_append_only"();
