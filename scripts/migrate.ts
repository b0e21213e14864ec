// `npm run db:migrate`: applies pending migrations to DATABASE_URL (the studio also does this on
// start). Anyone with Prisma's schema engine can use `npx prisma migrate deploy|status` instead.
import { migrate } from "../lib/migrate";
import { operatorDatabaseUrl } from "./cli-database";

migrate(operatorDatabaseUrl())
  .then((applied) => console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database schema is up to date"))
  .catch((error: Error) => {
    console.error(`Migration failed: ${error.message}`);
    process.exit(1);
  });
