-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ApplicationChannel" AS ENUM ('online', 'walk_in', 'hotline', 'village_agent', 'notification');

-- CreateEnum
CREATE TYPE "ApplicationStage" AS ENUM ('received', 'awaiting_materials', 'under_review', 'granted', 'refused', 'terminated');

-- CreateTable
CREATE TABLE "intake_request" (
    "idempotency_key" VARCHAR(200) NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "application_no" VARCHAR(32) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "intake_request_pkey" PRIMARY KEY ("idempotency_key")
);

-- CreateTable
CREATE TABLE "application_number_counter" (
    "agency_code" VARCHAR(16) NOT NULL,
    "year" INTEGER NOT NULL,
    "last_value" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "application_number_counter_pkey" PRIMARY KEY ("agency_code","year")
);

-- CreateTable
CREATE TABLE "application" (
    "application_no" VARCHAR(32) NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "channel" "ApplicationChannel" NOT NULL,
    "matter_category" VARCHAR(64) NOT NULL,
    "applicant" JSONB NOT NULL,
    "matter" JSONB NOT NULL,
    "economic_situation" JSONB NOT NULL,
    "materials_supplied" TEXT[],
    "materials_missing" TEXT[],
    "stage" "ApplicationStage" NOT NULL,
    "stage_entered_at" TIMESTAMPTZ(3) NOT NULL,
    "stage_seq" INTEGER NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "correction_due_at" TIMESTAMPTZ(3),
    "decided_at" TIMESTAMPTZ(3),
    "decided_by" VARCHAR(64),
    "decision_reason" TEXT,
    "decision_request_id" VARCHAR(200),
    "closed_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "application_pkey" PRIMARY KEY ("application_no")
);

-- CreateTable
CREATE TABLE "application_stage_event" (
    "id" BIGSERIAL NOT NULL,
    "application_no" VARCHAR(32) NOT NULL,
    "seq" INTEGER NOT NULL,
    "stage" "ApplicationStage" NOT NULL,
    "entered_at" TIMESTAMPTZ(3) NOT NULL,
    "actor" VARCHAR(64) NOT NULL,
    "rule_ids" TEXT[],
    "note" TEXT,

    CONSTRAINT "application_stage_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "intake_request_application_no_key" ON "intake_request"("application_no");

-- CreateIndex
CREATE INDEX "application_agency_code_stage_idx" ON "application"("agency_code", "stage");

-- CreateIndex
CREATE INDEX "application_stage_stage_entered_at_idx" ON "application"("stage", "stage_entered_at");

-- CreateIndex
CREATE UNIQUE INDEX "application_stage_event_application_no_seq_key" ON "application_stage_event"("application_no", "seq");

-- AddForeignKey
ALTER TABLE "application_stage_event" ADD CONSTRAINT "application_stage_event_application_no_fkey" FOREIGN KEY ("application_no") REFERENCES "application"("application_no") ON DELETE CASCADE ON UPDATE CASCADE;
