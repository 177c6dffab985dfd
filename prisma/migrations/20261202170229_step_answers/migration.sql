-- CreateTable
CREATE TABLE "step_answer" (
    "workflow_id" VARCHAR(128) NOT NULL,
    "step_id" VARCHAR(256) NOT NULL,
    "answer" JSONB NOT NULL,
    "answered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "step_answer_pkey" PRIMARY KEY ("workflow_id","step_id")
);
