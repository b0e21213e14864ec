import { type Env, env } from "@/lib/env";
import { aimlClientFromEnv } from "@/lib/upstream/aiml-client";
import { createDemoSource } from "@/lib/upstream/demo-source";
import type { ImageSource } from "@/lib/upstream/types";

export type SourceKind = ImageSource["kind"];

const sources = new Map<SourceKind, ImageSource>();

/** The source a new generation uses: the AI/ML API when AIML_API_KEY is set, else the demo. */
export function defaultSourceKind(e: Env = env()): SourceKind {
  return e.AIML_API_KEY ? "API" : "DEMO";
}

/** A generation keeps the kind it was queued with (Generation.source), even if the key changes later. */
export function imageSourceFor(kind: SourceKind): ImageSource {
  let source = sources.get(kind);
  if (!source) {
    source = kind === "API" ? aimlClientFromEnv() : createDemoSource();
    sources.set(kind, source);
  }
  return source;
}
