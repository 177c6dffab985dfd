-- AlterEnum
ALTER TYPE "ApplicationStage" ADD VALUE 'objection_review';

-- AlterTable
ALTER TABLE "application" ADD COLUMN     "objection_review_due_at" TIMESTAMPTZ(3);
