-- AlterTable
ALTER TABLE "application" ADD COLUMN     "decision_late" BOOLEAN,
ADD COLUMN     "review_due_at" TIMESTAMPTZ(3),
ADD COLUMN     "review_remaining_ms" BIGINT;
