import type { z } from 'zod';

/** The kind of value a config leaf holds, used to read JA4_* strings into typed values. */
export type LeafKind = 'string' | 'number' | 'boolean' | 'enum' | 'array' | 'other';

interface ZodDefLike {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
}

function defOf(schema: z.ZodType): ZodDefLike {
  return (schema as unknown as { _zod: { def: ZodDefLike } })._zod.def;
}

/** Strips default/optional/nullable/pipe wrappers down to the schema that holds the value. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (def.innerType && ['default', 'prefault', 'optional', 'nullable', 'readonly'].includes(def.type)) {
      s = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      s = def.in;
    } else {
      return s;
    }
  }
}

/** The child schemas of an object schema, or undefined when it is not an object. */
export function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = defOf(unwrap(schema));
  return def.type === 'object' ? def.shape : undefined;
}

export function leafKind(schema: z.ZodType): LeafKind {
  const t = defOf(unwrap(schema)).type;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'enum' || t === 'array') return t;
  return 'other';
}

/** Every leaf path of an object schema, e.g. ['clickhouse', 'url']. Arrays are leaves. */
export function leafPaths(schema: z.ZodType, prefix: string[] = []): { path: string[]; schema: z.ZodType }[] {
  const shape = objectShape(schema);
  if (!shape) return [{ path: prefix, schema }];
  return Object.entries(shape).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}
