import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../lib/api/openapi";

describe("the OpenAPI document", () => {
  const doc = openApiDocument("https://studio.example/v1");

  it("is OpenAPI 3.1 with the studio's base URL and bearer keys", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "https://studio.example/v1" }]);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("describes the request from the handler's own schema, unknown fields refused", () => {
    const request = doc.components.schemas.CreateImageRequest as {
      properties: Record<string, unknown>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(Object.keys(request.properties).sort()).toEqual(
      ["enable_safety_checker", "image_size", "model", "n", "prompt", "response_format", "seed", "size", "user"].sort(),
    );
    expect(request.required).toEqual(["prompt"]);
    expect(request.additionalProperties).toBe(false);
  });

  it("describes POST /images/edits as multipart from the handler's schema: files as binary, mask absent", () => {
    const body = doc.paths["/images/edits"].post.requestBody.content["multipart/form-data"];
    expect(body.schema).toEqual({ $ref: "#/components/schemas/CreateImageEditRequest" });
    const request = doc.components.schemas.CreateImageEditRequest as {
      properties: Record<string, { type?: string; items?: { type: string; format?: string } }>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(request.properties.image).toMatchObject({ type: "array", items: { type: "string", format: "binary" } });
    expect(request.properties).not.toHaveProperty("mask");
    expect(request.required.sort()).toEqual(["image", "prompt"]);
    expect(request.additionalProperties).toBe(false);
  });

  it("resolves every $ref to a component", () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(5);
    for (const id of refs) expect(doc.components.schemas).toHaveProperty(id ?? "");
    expect(JSON.stringify(doc)).not.toContain('"$ref":"#/$defs');
  });

  it("lists the history filters as query parameters of GET /generations", () => {
    const names = doc.paths["/generations"].get.parameters.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["q", "status", "model", "from", "to", "cursor", "limit"]));
  });
});
