// What every operator command does first: read .env, then insist on DATABASE_URL. The commands do
// not start the embedded database: it belongs to a running `npm start` (one server per data folder).
import { existsSync } from "node:fs";

export function operatorDatabaseUrl(): string {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      "✖ DATABASE_URL is not set: point it at the studio's database (`npm start` migrates its embedded one itself).",
    );
    process.exit(1);
  }
  return url;
}
