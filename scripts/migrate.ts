// `npm run db:migrate`: applies pending migrations to DATABASE_URL (the studio also does this on
// start). Anyone with Prisma's schema engine can use `npx prisma migrate deploy|status` instead.
import { log } from "../lib/log";
import { migrate } from "../lib/migrate";
import { operatorDatabaseUrl } from "./cli-database";

migrate(operatorDatabaseUrl())
  .then((applied) => log.info(applied.length ? "applied migrations" : "database schema is up to date", { applied }))
  .catch((error: Error) => {
    log.fatal(`migration failed: ${error.message}`);
    process.exit(1);
  });
