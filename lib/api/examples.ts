// The examples on /docs/api, written once: the page shows them with the caller's real base URL,
// and tests/integration/api-docs-examples.test.ts runs them against a studio. Each reads the key
// from the ATELIER_API_KEY environment variable, never from the page.

import { DEFAULT_MODEL_ID } from "@/lib/models";

export type ApiExamples = { curl: string; javascript: string; python: string };

export function apiExamples(baseUrl: string): ApiExamples {
  const curl = `curl ${baseUrl}/images/generations \\
  -H "Authorization: Bearer $ATELIER_API_KEY" \\
  -H "Content-Type: application/json" \\
  -H "Idempotency-Key: $(uuidgen 2>/dev/null || date +%s%N)" \\
  -d '{"prompt": "a lighthouse at dusk, oil on canvas", "n": 1, "size": "2048x2048"}'`;

  const javascript = `import OpenAI from "openai";

const client = new OpenAI({
  baseURL: "${baseUrl}",
  apiKey: process.env.ATELIER_API_KEY,
});

const result = await client.images.generate({
  model: "${DEFAULT_MODEL_ID}",
  prompt: "a lighthouse at dusk, oil on canvas",
  n: 1,
  size: "2048x2048",
});
console.log(result.data[0].url);`;

  const python = `import os
from openai import OpenAI

client = OpenAI(
    base_url="${baseUrl}",
    api_key=os.environ["ATELIER_API_KEY"],
)

result = client.images.generate(
    model="${DEFAULT_MODEL_ID}",
    prompt="a lighthouse at dusk, oil on canvas",
    n=1,
    size="2048x2048",
)
print(result.data[0].url)`;

  return { curl, javascript, python };
}
