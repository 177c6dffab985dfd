-- AlterTable
ALTER TABLE "pool_institution" ADD COLUMN     "excellent_ratings" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "excellent_rating" (
    "id" BIGSERIAL NOT NULL,
    "subject_kind" VARCHAR(16) NOT NULL,
    "member_id" VARCHAR(64),
    "institution_id" VARCHAR(64) NOT NULL,
    "agency_code" VARCHAR(16) NOT NULL,
    "level" VARCHAR(16) NOT NULL,
    "rated_on" DATE NOT NULL,
    "basis" VARCHAR(500) NOT NULL,
    "recorded_by" VARCHAR(128) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "request_id" VARCHAR(200) NOT NULL,

    CONSTRAINT "excellent_rating_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "excellent_rating_request_id_key" ON "excellent_rating"("request_id");

-- CreateIndex
CREATE INDEX "excellent_rating_member_id_idx" ON "excellent_rating"("member_id");

-- CreateIndex
CREATE INDEX "excellent_rating_institution_id_idx" ON "excellent_rating"("institution_id");
