-- CreateTable
CREATE TABLE "holiday_arrangement" (
    "id" BIGSERIAL NOT NULL,
    "year" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "date" VARCHAR(10) NOT NULL,
    "kind" VARCHAR(4) NOT NULL,
    "name" VARCHAR(32) NOT NULL,
    "entered_by" VARCHAR(128) NOT NULL,
    "entered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "holiday_arrangement_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "holiday_arrangement_year_revision_date_key" ON "holiday_arrangement"("year", "revision", "date");
