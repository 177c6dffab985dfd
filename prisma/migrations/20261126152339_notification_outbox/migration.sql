-- CreateTable
CREATE TABLE "notification" (
    "id" BIGSERIAL NOT NULL,
    "application_no" VARCHAR(32) NOT NULL,
    "obligation_key" VARCHAR(64) NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "template" VARCHAR(64) NOT NULL,
    "body" TEXT NOT NULL,
    "status" VARCHAR(16) NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "notification_status_created_at_idx" ON "notification"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "notification_application_no_obligation_key_channel_key" ON "notification"("application_no", "obligation_key", "channel");
