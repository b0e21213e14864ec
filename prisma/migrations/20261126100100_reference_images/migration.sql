-- Reference images (docs/references.md): what a user gave the studio to edit or combine, and the
-- lineage of each generation made from them.

-- CreateTable
CREATE TABLE "ReferenceImage" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "thumbKey" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "imageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "ReferenceImage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GenerationReference" (
    "generationId" TEXT NOT NULL,
    "referenceImageId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "GenerationReference_pkey" PRIMARY KEY ("generationId","position")
);

-- CreateIndex
CREATE INDEX "ReferenceImage_userId_createdAt_idx" ON "ReferenceImage"("userId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "ReferenceImage_userId_sha256_idx" ON "ReferenceImage"("userId", "sha256");

-- CreateIndex
CREATE INDEX "ReferenceImage_userId_imageId_idx" ON "ReferenceImage"("userId", "imageId");

-- CreateIndex
CREATE INDEX "ReferenceImage_imageId_idx" ON "ReferenceImage"("imageId");

-- CreateIndex
CREATE INDEX "GenerationReference_referenceImageId_idx" ON "GenerationReference"("referenceImageId");

-- AddForeignKey
ALTER TABLE "ReferenceImage" ADD CONSTRAINT "ReferenceImage_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReferenceImage" ADD CONSTRAINT "ReferenceImage_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GenerationReference" ADD CONSTRAINT "GenerationReference_generationId_fkey" FOREIGN KEY ("generationId") REFERENCES "Generation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GenerationReference" ADD CONSTRAINT "GenerationReference_referenceImageId_fkey" FOREIGN KEY ("referenceImageId") REFERENCES "ReferenceImage"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
