-- A generation keeps the image source's answer as soon as it arrives, so a later attempt resumes
-- from it instead of paying for a second call, and counts the calls it made (lib/generations/run.ts).
ALTER TABLE "Generation" ADD COLUMN "providerCalls" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Generation" ADD COLUMN "providerAnswer" JSONB;

-- Thumbnails and placeholders are made by a follow-up job after the generation settles
-- (lib/images/derivatives.ts); until then both are absent.
ALTER TABLE "Image" ALTER COLUMN "thumbKey" DROP NOT NULL;
ALTER TABLE "Image" ALTER COLUMN "placeholder" DROP NOT NULL;
