-- AlterTable
ALTER TABLE "pool_institution" ADD COLUMN     "responsible_people" TEXT[] DEFAULT ARRAY[]::TEXT[];
