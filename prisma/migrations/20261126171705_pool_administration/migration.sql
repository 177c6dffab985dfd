-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ApplicationStage" ADD VALUE 'assigning';
ALTER TYPE "ApplicationStage" ADD VALUE 'assigned';

-- DropIndex
DROP INDEX "application_assigned_lawyer_id_idx";

-- AlterTable
ALTER TABLE "application" DROP COLUMN "assigned_lawyer_id",
ADD COLUMN     "assigned_institution_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "assigned_member_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "assignment" JSONB;

-- AlterTable
ALTER TABLE "notification" ADD COLUMN     "recipient" VARCHAR(96) NOT NULL DEFAULT 'applicant';

-- AlterTable
ALTER TABLE "pool_institution" ADD COLUMN     "kind" VARCHAR(24) NOT NULL DEFAULT 'law_firm';

-- AlterTable
ALTER TABLE "pool_member" ADD COLUMN     "entry_route" VARCHAR(16) NOT NULL DEFAULT 'recruitment',
ADD COLUMN     "impact_until" TIMESTAMPTZ(3),
ADD COLUMN     "practice_years" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "removal_kind" VARCHAR(16),
ADD COLUMN     "specialties" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "status_event_id" BIGINT;

-- AlterTable
ALTER TABLE "rotation_ledger" ADD COLUMN     "institution_id" VARCHAR(64),
ADD COLUMN     "reason" TEXT,
ADD COLUMN     "released_id" VARCHAR(64),
ADD COLUMN     "released_turn" VARCHAR(16);

-- CreateTable
CREATE TABLE "pool_member_event" (
    "id" BIGSERIAL NOT NULL,
    "member_id" VARCHAR(64) NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "kind" VARCHAR(24) NOT NULL,
    "removal_kind" VARCHAR(16),
    "reason" TEXT NOT NULL,
    "actor" VARCHAR(128) NOT NULL,
    "effective_from" TIMESTAMPTZ(3) NOT NULL,
    "effective_until" TIMESTAMPTZ(3),
    "application_no" VARCHAR(32),
    "request_id" VARCHAR(200),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pool_member_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "pool_member_event_request_id_key" ON "pool_member_event"("request_id");

-- CreateIndex
CREATE INDEX "pool_member_event_member_id_id_idx" ON "pool_member_event"("member_id", "id");

-- CreateIndex
CREATE INDEX "application_assigned_member_ids_idx" ON "application" USING GIN ("assigned_member_ids");

-- CreateIndex
CREATE INDEX "application_assigned_institution_ids_idx" ON "application" USING GIN ("assigned_institution_ids");

-- Pool status history is append-only (hand-written: Prisma's schema language cannot express triggers).
CREATE TRIGGER "pool_member_event_no_update_delete_truncate"
  BEFORE UPDATE OR DELETE OR TRUNCATE ON "pool_member_event"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
