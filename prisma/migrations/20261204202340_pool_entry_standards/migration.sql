-- AlterTable
ALTER TABLE "pool_member_event" ADD COLUMN     "standards" JSONB;
