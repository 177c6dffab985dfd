-- CreateTable
CREATE TABLE "obligation" (
    "id" BIGSERIAL NOT NULL,
    "application_no" VARCHAR(32) NOT NULL,
    "source" VARCHAR(16) NOT NULL,
    "key" VARCHAR(96) NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "owner_role" VARCHAR(32) NOT NULL,
    "owner_id" VARCHAR(128),
    "since" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3),
    "rule_id" VARCHAR(16) NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    "state_seq" INTEGER NOT NULL,

    CONSTRAINT "obligation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "obligation_sync" (
    "application_no" VARCHAR(32) NOT NULL,
    "source" VARCHAR(16) NOT NULL,
    "state_seq" INTEGER NOT NULL,
    "written_by" VARCHAR(16) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "obligation_sync_pkey" PRIMARY KEY ("application_no","source")
);

-- CreateTable
CREATE TABLE "reconcile_run" (
    "id" BIGSERIAL NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "checked" INTEGER NOT NULL DEFAULT 0,
    "repaired" INTEGER NOT NULL DEFAULT 0,
    "orphaned" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "reconcile_run_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "obligation_resolved_at_due_at_idx" ON "obligation"("resolved_at", "due_at");

-- CreateIndex
CREATE INDEX "obligation_owner_role_owner_id_resolved_at_idx" ON "obligation"("owner_role", "owner_id", "resolved_at");

-- CreateIndex
CREATE UNIQUE INDEX "obligation_application_no_key_key" ON "obligation"("application_no", "key");
