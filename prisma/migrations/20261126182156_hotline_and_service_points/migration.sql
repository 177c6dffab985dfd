-- CreateTable
CREATE TABLE "hotline_call" (
    "id" VARCHAR(48) NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "claimed_by" VARCHAR(128),
    "answered_by" VARCHAR(128),
    "answered_at" TIMESTAMPTZ(3),
    "breached" BOOLEAN NOT NULL DEFAULT false,
    "outcome" VARCHAR(16),
    "application_no" VARCHAR(32),
    "state" JSONB NOT NULL,
    "state_seq" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "hotline_call_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "duty_credit" (
    "officer_id" VARCHAR(128) NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "answered_calls" INTEGER NOT NULL DEFAULT 0,
    "duty_days" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "duty_credit_pkey" PRIMARY KEY ("officer_id","agency_code")
);

-- CreateTable
CREATE TABLE "duty_credit_call" (
    "call_id" VARCHAR(48) NOT NULL,
    "officer_id" VARCHAR(128) NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "duty_credit_call_pkey" PRIMARY KEY ("call_id")
);

-- CreateTable
CREATE TABLE "service_point" (
    "id" VARCHAR(64) NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "township" VARCHAR(100) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "service_point_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "service_point_person" (
    "service_point_id" VARCHAR(64) NOT NULL,
    "person_id" VARCHAR(128) NOT NULL,
    "role" VARCHAR(16) NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "service_point_person_pkey" PRIMARY KEY ("service_point_id","person_id")
);

-- CreateTable
CREATE TABLE "paper_forwarding" (
    "id" BIGSERIAL NOT NULL,
    "application_no" VARCHAR(32) NOT NULL,
    "service_point_id" VARCHAR(64),
    "forwarded_by" VARCHAR(128) NOT NULL,
    "forwarded_to" VARCHAR(16) NOT NULL,
    "items" TEXT[],
    "forwarded_at" TIMESTAMPTZ(3) NOT NULL,
    "received_by" VARCHAR(128),
    "received_at" TIMESTAMPTZ(3),
    "request_id" VARCHAR(200) NOT NULL,

    CONSTRAINT "paper_forwarding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "home_visit" (
    "id" BIGSERIAL NOT NULL,
    "service_point_id" VARCHAR(64) NOT NULL,
    "application_no" VARCHAR(32),
    "status" VARCHAR(16) NOT NULL,
    "requested_by" VARCHAR(128) NOT NULL,
    "visitor_id" VARCHAR(128),
    "scheduled_for" TIMESTAMPTZ(3),
    "done_at" TIMESTAMPTZ(3),
    "note" TEXT,
    "request_id" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "home_visit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "training_record" (
    "id" BIGSERIAL NOT NULL,
    "person_id" VARCHAR(128) NOT NULL,
    "kind" VARCHAR(24) NOT NULL,
    "course" VARCHAR(200) NOT NULL,
    "completed_on" DATE NOT NULL,
    "valid_until" DATE,
    "recorded_by" VARCHAR(128) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "training_record_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "hotline_call_agency_code_status_due_at_idx" ON "hotline_call"("agency_code", "status", "due_at");

-- CreateIndex
CREATE INDEX "hotline_call_answered_by_answered_at_idx" ON "hotline_call"("answered_by", "answered_at");

-- CreateIndex
CREATE INDEX "duty_credit_call_officer_id_at_idx" ON "duty_credit_call"("officer_id", "at");

-- CreateIndex
CREATE INDEX "service_point_person_person_id_idx" ON "service_point_person"("person_id");

-- CreateIndex
CREATE UNIQUE INDEX "paper_forwarding_request_id_key" ON "paper_forwarding"("request_id");

-- CreateIndex
CREATE INDEX "paper_forwarding_application_no_idx" ON "paper_forwarding"("application_no");

-- CreateIndex
CREATE INDEX "paper_forwarding_received_at_idx" ON "paper_forwarding"("received_at");

-- CreateIndex
CREATE UNIQUE INDEX "home_visit_request_id_key" ON "home_visit"("request_id");

-- CreateIndex
CREATE INDEX "home_visit_visitor_id_done_at_idx" ON "home_visit"("visitor_id", "done_at");

-- CreateIndex
CREATE INDEX "home_visit_service_point_id_status_idx" ON "home_visit"("service_point_id", "status");

-- CreateIndex
CREATE INDEX "training_record_person_id_kind_idx" ON "training_record"("person_id", "kind");

-- AddForeignKey
ALTER TABLE "service_point_person" ADD CONSTRAINT "service_point_person_service_point_id_fkey" FOREIGN KEY ("service_point_id") REFERENCES "service_point"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
