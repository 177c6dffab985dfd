-- AlterTable
ALTER TABLE "application" ADD COLUMN     "eligibility" JSONB;
