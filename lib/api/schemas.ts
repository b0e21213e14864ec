import { z } from "zod";

// Ids as the studio makes them (cuid): anything else is answered 404 before any query.
export const generationIdSchema = z.string().regex(/^[a-z0-9]{10,40}$/);
export const imageIdSchema = generationIdSchema;
