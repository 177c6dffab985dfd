-- AlterTable
ALTER TABLE "intake_request" ADD COLUMN     "agency_code" VARCHAR(16),
ADD COLUMN     "applicant_subject" VARCHAR(128),
ADD COLUMN     "filed_by" VARCHAR(128),
ADD COLUMN     "filed_by_role" VARCHAR(32);

-- AlterTable
ALTER TABLE "application" ADD COLUMN     "assigned_lawyer_id" VARCHAR(128);

-- CreateTable
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" VARCHAR(128) NOT NULL,
    "roles" TEXT[],
    "agency_code" VARCHAR(16),
    "action" VARCHAR(64) NOT NULL,
    "target_type" VARCHAR(32) NOT NULL,
    "target_id" VARCHAR(64),
    "request_id" VARCHAR(64) NOT NULL,
    "outcome" INTEGER NOT NULL,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_event_target_type_target_id_at_idx" ON "audit_event"("target_type", "target_id", "at");

-- CreateIndex
CREATE INDEX "audit_event_actor_id_at_idx" ON "audit_event"("actor_id", "at");

-- CreateIndex
CREATE INDEX "audit_event_at_idx" ON "audit_event"("at");

-- CreateIndex
CREATE INDEX "intake_request_applicant_subject_idx" ON "intake_request"("applicant_subject");

-- CreateIndex
CREATE INDEX "intake_request_filed_by_idx" ON "intake_request"("filed_by");

-- CreateIndex
CREATE INDEX "application_assigned_lawyer_id_idx" ON "application"("assigned_lawyer_id");

-- Audit trail is append-only (hand-written: Prisma's schema language cannot express triggers).
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only';
END;
$$;

CREATE TRIGGER "audit_event_no_update_delete_truncate"
  BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_event"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
