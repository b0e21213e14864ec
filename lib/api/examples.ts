// The examples on /docs/api, written once: the page shows them with the caller's real base URL,
// and tests/integration/api-docs-examples.test.ts runs them against a studio. Each reads the key
// from the ATELIER_API_KEY environment variable, never from the page.

import { DEFAULT_EDIT_MODEL, DEFAULT_MODEL_ID } from "@/lib/models";

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

/** Editing: `photo.png` in the working directory becomes a reference image of the edit. */
export function apiEditExamples(baseUrl: string): ApiExamples {
  const model = DEFAULT_EDIT_MODEL.id;
  const curl = `curl ${baseUrl}/images/edits \\
  -H "Authorization: Bearer $ATELIER_API_KEY" \\
  -F "image=@photo.png" \\
  -F "model=${model}" \\
  -F "prompt=the same scene in winter, snow on the roofs"`;

  const javascript = `import OpenAI, { toFile } from "openai";
import fs from "node:fs";

const client = new OpenAI({
  baseURL: "${baseUrl}",
  apiKey: process.env.ATELIER_API_KEY,
});

const result = await client.images.edit({
  model: "${model}",
  // Several images: image: [await toFile(...), await toFile(...)]
  image: await toFile(fs.createReadStream("photo.png"), "photo.png", { type: "image/png" }),
  prompt: "the same scene in winter, snow on the roofs",
});
console.log(result.data[0].url);`;

  const python = `import os
from openai import OpenAI

client = OpenAI(
    base_url="${baseUrl}",
    api_key=os.environ["ATELIER_API_KEY"],
)

with open("photo.png", "rb") as image:
    result = client.images.edit(
        model="${model}",
        image=image,  # several: image=[open("a.png", "rb"), open("b.png", "rb")]
        prompt="the same scene in winter, snow on the roofs",
    )
print(result.data[0].url)`;

  return { curl, javascript, python };
}
