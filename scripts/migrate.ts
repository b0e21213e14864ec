// `npm run db:migrate`: applies pending migrations to DATABASE_URL (the studio also does this on
// start). Anyone with Prisma's schema engine can use `npx prisma migrate deploy|status` instead.
import { existsSync } from "node:fs";
import { migrate } from "../lib/migrate";

if (existsSync(".env")) process.loadEnvFile(".env");
const url = process.env.DATABASE_URL;
if (!url) {
  console.error(
    "DATABASE_URL is not set. `npm start` migrates its embedded database itself; set DATABASE_URL to migrate another.",
  );
  process.exit(1);
}
migrate(url)
  .then((applied) => console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database schema is up to date"))
  .catch((error: Error) => {
    console.error(`Migration failed: ${error.message}`);
    process.exit(1);
  });
