import { defineConfig } from "prisma/config";

// DATABASE_URL is optional here: `prisma generate` needs none, and the migrate commands
// are for people who have Prisma's schema engine (see docs/database.md).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/atelier" },
});
