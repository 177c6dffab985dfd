-- AlterTable
ALTER TABLE "application" ADD COLUMN     "intake_details" JSONB;
