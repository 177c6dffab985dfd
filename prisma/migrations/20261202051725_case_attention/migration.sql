-- CreateTable
CREATE TABLE "case_attention" (
    "workflow_id" VARCHAR(128) NOT NULL,
    "case_kind" VARCHAR(16) NOT NULL,
    "case_no" VARCHAR(48) NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "activity" VARCHAR(64) NOT NULL,
    "sqlstate" VARCHAR(5) NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "occurrences" INTEGER NOT NULL DEFAULT 1,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" VARCHAR(128),
    "action" VARCHAR(16),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "case_attention_pkey" PRIMARY KEY ("workflow_id")
);

-- CreateIndex
CREATE INDEX "case_attention_resolved_at_agency_code_idx" ON "case_attention"("resolved_at", "agency_code");
