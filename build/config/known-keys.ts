/**
 * The field names a zod object schema accepts at a path (for "unknown field author; did you mean
 * authors?"), read from the schema itself so that a field added to schema.ts is known at once.
 */
import type { z } from 'zod';

/** The parts of zod's definitions this walk reads; every wrapper names its inner schema. */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schemas a schema stands for once defaults, optionals, pipes and unions are looked through. */
function concrete(schema: z.ZodType): Def[] {
  const def = defOf(schema);
  if (def.innerType) return concrete(def.innerType);
  if (def.type === 'pipe' && def.in) return concrete(def.in);
  if (def.type === 'union' && def.options) return def.options.flatMap(concrete);
  return [def];
}

/** Names accepted at `path` (["print"] → trim, service, …; ["authors", "0"] → name, role, fileAs). */
export function knownKeys(schema: z.ZodType, path: readonly string[]): string[] {
  let current: Def[] = concrete(schema);
  for (const step of path) {
    current = current.flatMap((def) => {
      const next = /^\d+$/.test(step) ? (def.type === 'array' ? def.element : undefined) : def.type === 'object' ? def.shape?.[step] : undefined;
      return next ? concrete(next) : [];
    });
  }
  return [...new Set(current.filter((d) => d.type === 'object').flatMap((d) => Object.keys(d.shape ?? {})))];
}
