import { z } from "zod";

/** `?ids=a,b,c`: the generations a page asks about (the status route and the event stream). */
export const generationIdsParam = z
  .string()
  .max(2000)
  .transform((v) => [...new Set(v.split(",").filter(Boolean))])
  .pipe(z.array(z.string().regex(/^[a-z0-9]{10,40}$/)).max(50));
