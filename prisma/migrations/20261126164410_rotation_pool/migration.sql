-- CreateTable
CREATE TABLE "pool_institution" (
    "id" VARCHAR(64) NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "list_order" INTEGER NOT NULL,

    CONSTRAINT "pool_institution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pool_member" (
    "id" VARCHAR(64) NOT NULL,
    "institution_id" VARCHAR(64) NOT NULL,
    "status" VARCHAR(16) NOT NULL DEFAULT 'active',
    "duty_lawyer" BOOLEAN NOT NULL DEFAULT false,
    "criminal_defence_years" INTEGER NOT NULL DEFAULT 0,
    "juvenile_competent" BOOLEAN NOT NULL DEFAULT false,
    "excellent_ratings" INTEGER NOT NULL DEFAULT 0,
    "turns" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "pool_member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rotation_state" (
    "agency_code" VARCHAR(16) NOT NULL,
    "ledger_seq" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "rotation_state_pkey" PRIMARY KEY ("agency_code")
);

-- CreateTable
CREATE TABLE "rotation_ledger" (
    "id" BIGSERIAL NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "seq" INTEGER NOT NULL,
    "application_no" VARCHAR(32) NOT NULL,
    "purpose" VARCHAR(32) NOT NULL,
    "next_member_id" VARCHAR(64),
    "chosen_id" VARCHAR(64) NOT NULL,
    "rule" VARCHAR(16) NOT NULL,
    "turn" VARCHAR(16) NOT NULL,
    "skipped" JSONB NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rotation_ledger_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "pool_institution_agency_code_list_order_key" ON "pool_institution"("agency_code", "list_order");

-- CreateIndex
CREATE INDEX "pool_member_institution_id_idx" ON "pool_member"("institution_id");

-- CreateIndex
CREATE UNIQUE INDEX "rotation_ledger_agency_code_seq_key" ON "rotation_ledger"("agency_code", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "rotation_ledger_application_no_purpose_key" ON "rotation_ledger"("application_no", "purpose");

-- AddForeignKey
ALTER TABLE "pool_member" ADD CONSTRAINT "pool_member_institution_id_fkey" FOREIGN KEY ("institution_id") REFERENCES "pool_institution"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
