/**
 * A small JSON-schema builder whose values carry their TypeScript type, in the manner of TypeBox:
 * each route declares its query, params, body and response once, fastify validates and serializes
 * with the schema, and server and web read the type from the same declaration (`Static<S>`). It
 * covers the JSON schema the dashboard's API uses and no more.
 */
declare const STATIC: unique symbol;
declare const OPTIONAL: unique symbol;

/** A JSON schema object whose validated value has type T. */
export type TSchema<T = unknown> = { readonly [STATIC]?: T } & Record<string, unknown>;
/** A property that may be absent from its object. */
export type TOptional<S extends TSchema> = S & { readonly [OPTIONAL]?: true };

export type Static<S> = S extends TSchema<infer T> ? T : never;

type OptionalKeys<P> = { [K in keyof P]: P[K] extends { readonly [OPTIONAL]?: true } ? K : never }[keyof P];
type Flatten<T> = { [K in keyof T]: T[K] } & {};
type ObjectOf<P extends Record<string, TSchema>> = Flatten<
  { -readonly [K in Exclude<keyof P, OptionalKeys<P>>]: Static<P[K]> } & {
    -readonly [K in OptionalKeys<P>]?: Static<P[K]>;
  }
>;

type Options = Record<string, unknown>;
const schema = <T>(s: Record<string, unknown>): TSchema<T> => s as TSchema<T>;

/** Property names whose schema was wrapped in Optional (a runtime mark, for `required`). */
const optionalMark = Symbol('optional');

export const T = {
  String: (o: Options = {}) => schema<string>({ type: 'string', ...o }),
  Number: (o: Options = {}) => schema<number>({ type: 'number', ...o }),
  Integer: (o: Options = {}) => schema<number>({ type: 'integer', ...o }),
  Boolean: (o: Options = {}) => schema<boolean>({ type: 'boolean', ...o }),
  Null: () => schema<null>({ type: 'null' }),
  /** One of a fixed list of strings. */
  Enum: <const V extends readonly string[]>(values: V, o: Options = {}) =>
    schema<V[number]>({ type: 'string', enum: [...values], ...o }),
  Array: <S extends TSchema>(items: S, o: Options = {}) =>
    schema<Static<S>[]>({ type: 'array', items, ...o }),
  /** A value or null (fast-json-stringify and ajv both read `type: [t, 'null']`). */
  Nullable: <S extends TSchema>(s: S) => schema<Static<S> | null>({ ...s, type: [s.type as string, 'null'] }),
  /** A map from any key to values of one schema. */
  Record: <S extends TSchema>(values: S) =>
    schema<Record<string, Static<S>>>({ type: 'object', additionalProperties: values }),
  Optional: <S extends TSchema>(s: S): TOptional<S> => ({ ...s, [optionalMark]: true }) as TOptional<S>,
  /** An object with exactly these properties (unknown ones refused when validating input). */
  Object: <P extends Record<string, TSchema>>(props: P, o: Options = {}) => {
    const required = Object.keys(props).filter((k) => !(props[k] as Record<symbol, unknown>)[optionalMark]);
    const properties = Object.fromEntries(
      Object.entries(props).map(([k, v]) => {
        const { [optionalMark]: _, ...plain } = v as Record<string | symbol, unknown>;
        return [k, plain];
      }),
    );
    return schema<ObjectOf<P>>({
      type: 'object',
      additionalProperties: false,
      properties,
      ...(required.length > 0 ? { required } : {}),
      ...o,
    });
  },
};
