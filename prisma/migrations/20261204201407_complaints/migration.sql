-- CreateTable
CREATE TABLE "complaint" (
    "id" VARCHAR(32) NOT NULL,
    "idempotency_key" VARCHAR(200) NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "complainant_kind" VARCHAR(16) NOT NULL,
    "anonymous" BOOLEAN NOT NULL,
    "complainant" JSONB,
    "details" JSONB NOT NULL,
    "respondent_kind" VARCHAR(16) NOT NULL,
    "respondent_id" VARCHAR(128) NOT NULL,
    "institution_id" VARCHAR(64),
    "application_no" VARCHAR(32),
    "ground" VARCHAR(32) NOT NULL,
    "filed_by" VARCHAR(128) NOT NULL,
    "filed_by_role" VARCHAR(32) NOT NULL,
    "complainant_subject" VARCHAR(128),
    "status" VARCHAR(16) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "accept_due_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "due_at" TIMESTAMPTZ(3),
    "extended_days" INTEGER,
    "handler_id" VARCHAR(128),
    "decided_at" TIMESTAMPTZ(3),
    "outcome" VARCHAR(24),
    "measures" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "notify_due_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "escalated" BOOLEAN NOT NULL DEFAULT false,
    "state" JSONB,
    "state_seq" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "complaint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "complaint_idempotency_key_key" ON "complaint"("idempotency_key");

-- CreateIndex
CREATE INDEX "complaint_agency_code_status_idx" ON "complaint"("agency_code", "status");

-- CreateIndex
CREATE INDEX "complaint_respondent_id_idx" ON "complaint"("respondent_id");

-- CreateIndex
CREATE INDEX "complaint_application_no_idx" ON "complaint"("application_no");

-- CreateIndex
CREATE INDEX "complaint_complainant_subject_idx" ON "complaint"("complainant_subject");
