-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ApplicationStage" ADD VALUE 'performing';
ALTER TYPE "ApplicationStage" ADD VALUE 'file_review';
ALTER TYPE "ApplicationStage" ADD VALUE 'evaluating';
ALTER TYPE "ApplicationStage" ADD VALUE 'closed';

-- CreateTable
CREATE TABLE "fee_schedule" (
    "id" BIGSERIAL NOT NULL,
    "agency_code" VARCHAR(16),
    "matter_type" VARCHAR(32) NOT NULL,
    "case_stage" VARCHAR(32) NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "effective_from" DATE NOT NULL,
    "created_by" VARCHAR(128) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fee_schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scoring_sheet" (
    "id" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "version" INTEGER NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "items" JSONB NOT NULL,
    "effective_from" DATE NOT NULL,
    "loaded_by" VARCHAR(128) NOT NULL,
    "loaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scoring_sheet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evaluation" (
    "application_no" VARCHAR(32) NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "member_id" VARCHAR(64) NOT NULL,
    "institution_id" VARCHAR(64) NOT NULL,
    "status" VARCHAR(24) NOT NULL,
    "special" BOOLEAN NOT NULL DEFAULT false,
    "score" DECIMAL(5,2),
    "tier" VARCHAR(16),
    "score_version" INTEGER NOT NULL DEFAULT 0,
    "year" INTEGER,
    "finalized_at" TIMESTAMPTZ(3),
    "state" JSONB NOT NULL,
    "state_seq" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "evaluation_pkey" PRIMARY KEY ("application_no")
);

-- CreateTable
CREATE TABLE "payout_line" (
    "id" BIGSERIAL NOT NULL,
    "application_no" VARCHAR(32) NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "member_id" VARCHAR(64) NOT NULL,
    "institution_id" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "tier" VARCHAR(16),
    "coefficient" DECIMAL(4,2) NOT NULL,
    "base_fee_cents" INTEGER NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "fee_schedule_id" BIGINT,
    "score_version" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "idempotency_key" VARCHAR(200) NOT NULL,
    "batch_id" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_line_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout_batch" (
    "id" BIGSERIAL NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "period_start" DATE NOT NULL,
    "period_end" DATE NOT NULL,
    "line_count" INTEGER NOT NULL,
    "total_cents" INTEGER NOT NULL,
    "created_by" VARCHAR(128) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_batch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "fee_schedule_agency_code_matter_type_case_stage_effective_f_key" ON "fee_schedule"("agency_code", "matter_type", "case_stage", "effective_from");

-- CreateIndex
CREATE UNIQUE INDEX "scoring_sheet_kind_version_key" ON "scoring_sheet"("kind", "version");

-- CreateIndex
CREATE INDEX "evaluation_agency_code_year_idx" ON "evaluation"("agency_code", "year");

-- CreateIndex
CREATE INDEX "evaluation_member_id_year_idx" ON "evaluation"("member_id", "year");

-- CreateIndex
CREATE INDEX "evaluation_institution_id_year_idx" ON "evaluation"("institution_id", "year");

-- CreateIndex
CREATE UNIQUE INDEX "payout_line_idempotency_key_key" ON "payout_line"("idempotency_key");

-- CreateIndex
CREATE INDEX "payout_line_agency_code_created_at_idx" ON "payout_line"("agency_code", "created_at");

-- CreateIndex
CREATE INDEX "payout_line_application_no_idx" ON "payout_line"("application_no");

-- CreateIndex
CREATE INDEX "payout_line_batch_id_idx" ON "payout_line"("batch_id");

-- CreateIndex
CREATE UNIQUE INDEX "payout_batch_agency_code_period_start_period_end_key" ON "payout_batch"("agency_code", "period_start", "period_end");

-- The payout ledger is append-only (hand-written): a line may only be given a batch, once; never edited or deleted.
CREATE FUNCTION "payout_line_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.batch_id IS NULL AND NEW.batch_id IS NOT NULL
     AND (to_jsonb(NEW) - 'batch_id') = (to_jsonb(OLD) - 'batch_id') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'payout_line is append-only (a line may only be added to a batch once)';
END;
$$;

CREATE TRIGGER "payout_line_append_only"
  BEFORE UPDATE OR DELETE ON "payout_line"
  FOR EACH ROW EXECUTE FUNCTION "payout_line_guard"();

CREATE TRIGGER "payout_line_no_truncate"
  BEFORE TRUNCATE ON "payout_line"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
