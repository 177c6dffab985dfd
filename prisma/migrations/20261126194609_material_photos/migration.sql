-- CreateTable
CREATE TABLE "material_photo" (
    "id" BIGSERIAL NOT NULL,
    "application_no" VARCHAR(32) NOT NULL,
    "material_code" VARCHAR(64) NOT NULL,
    "content_type" VARCHAR(32) NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "file_name" VARCHAR(200) NOT NULL,
    "data" BYTEA NOT NULL,
    "uploaded_by" VARCHAR(128) NOT NULL,
    "uploaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "material_photo_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "material_photo_application_no_idx" ON "material_photo"("application_no");

-- CreateIndex
CREATE UNIQUE INDEX "material_photo_application_no_sha256_key" ON "material_photo"("application_no", "sha256");
