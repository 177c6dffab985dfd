-- AlterTable
ALTER TABLE "application" ADD COLUMN     "verification" JSONB;
