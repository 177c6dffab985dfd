-- CreateTable
CREATE TABLE "correction_item" (
    "code" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "legal_basis" VARCHAR(500) NOT NULL,
    "matter_categories" TEXT[],
    "required_by_default" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL,
    "updated_by" VARCHAR(128) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "correction_item_pkey" PRIMARY KEY ("code")
);

-- L-2: the common core of every application (Law art. 41; Procedures art. 13), required by default.
INSERT INTO "correction_item"
  ("code", "name", "kind", "legal_basis", "matter_categories", "required_by_default", "active", "position", "updated_by")
VALUES
  ('identity_proof', '申请人身份证明', 'material', '《办理法律援助案件程序规定》第十三条', '{}', true, true, 10, 'system'),
  ('economic_statement', '经济困难状况说明表（诚信承诺）', 'material', '《中华人民共和国法律援助法》第四十一条；《办理法律援助案件程序规定》第十三条', '{}', true, true, 20, 'system'),
  ('matter_evidence', '与所申请法律援助事项有关的材料', 'material', '《办理法律援助案件程序规定》第十三条', '{}', true, true, 30, 'system');
