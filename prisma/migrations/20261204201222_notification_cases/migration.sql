-- AlterEnum
ALTER TYPE "ApplicationStage" ADD VALUE 'returned';

-- AlterTable
ALTER TABLE "intake_request" ADD COLUMN     "notification_letter" VARCHAR(300);

-- CreateIndex
CREATE UNIQUE INDEX "intake_request_notification_letter_key" ON "intake_request"("notification_letter");
