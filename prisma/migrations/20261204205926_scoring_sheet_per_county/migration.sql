-- DropIndex
DROP INDEX "scoring_sheet_kind_version_key";

-- AlterTable
ALTER TABLE "scoring_sheet" ADD COLUMN     "agency_code" VARCHAR(16) NOT NULL DEFAULT 'SX';

-- CreateIndex
CREATE UNIQUE INDEX "scoring_sheet_agency_code_kind_version_key" ON "scoring_sheet"("agency_code", "kind", "version");
