"use client";

import { z } from "zod";

// Zod 4 probes `new Function` in the browser to compile faster parsers; under the studio's CSP
// (no 'unsafe-eval') that probe is refused and reported as a violation. Parse without it.
z.config({ jitless: true });

export function ZodWithoutEval(): null {
  return null;
}
