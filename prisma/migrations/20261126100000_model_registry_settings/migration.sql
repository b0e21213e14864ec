-- Settings every model of the registry fits (lib/generations/settings.ts): the upscaler's detail
-- (`scale`, null for other models) and the user's reference images in the order they are sent.
-- Existing rows stay valid: no detail, no references. (A list column is nullable, as Prisma makes it.)
ALTER TABLE "Generation" ADD COLUMN "upscaleScale" INTEGER;
ALTER TABLE "Generation" ADD COLUMN "referenceIds" TEXT[] DEFAULT ARRAY[]::TEXT[];
