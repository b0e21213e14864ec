import { describe, expect, it } from "vitest";
import { referencesNotSent } from "../../lib/references/limits";

describe("referencesNotSent (the picker's warning when a model takes fewer references)", () => {
  it("names the references past the limit, and the model", () => {
    expect(referencesNotSent({ limit: 10, held: 12, modelLabel: "Seedream 4.5" })).toBe(
      "References 11–12 will not be sent to Seedream 4.5.",
    );
    expect(referencesNotSent({ limit: 10, held: 11, modelLabel: "Seedream 4.5" })).toBe(
      "Reference 11 will not be sent to Seedream 4.5.",
    );
    expect(referencesNotSent({ limit: 0, held: 2, modelLabel: "Seedream 4.0" })).toBe(
      "Seedream 4.0 takes no reference images: none will be sent.",
    );
  });

  it("says nothing while every reference is sent", () => {
    expect(referencesNotSent({ limit: 10, held: 10, modelLabel: "Seedream 4.5" })).toBeNull();
    expect(referencesNotSent({ limit: 1, held: 0, modelLabel: "Upscale" })).toBeNull();
  });
});
