-- The provider's error in its own terms (status, message, network code), for the admin area.
ALTER TABLE "Generation" ADD COLUMN "providerError" TEXT;
