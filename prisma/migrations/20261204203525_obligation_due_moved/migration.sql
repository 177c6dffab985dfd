-- AlterTable
ALTER TABLE "obligation" ADD COLUMN     "due_moved" VARCHAR(64);
