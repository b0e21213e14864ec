import { openApiDocument } from "@/lib/api/openapi";
import { apiOrigin, publicApiRoute } from "@/lib/api/route";

export const dynamic = "force-dynamic";

// The API's OpenAPI 3.1 document, generated from the handlers' own zod schemas.
export const GET = publicApiRoute(async ({ request }) =>
  Response.json(openApiDocument(`${apiOrigin(request)}/v1`), { headers: { "cache-control": "public, max-age=300" } }),
);
