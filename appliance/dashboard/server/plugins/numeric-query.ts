import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { badNumber } from '../../errors.js';

interface PropertySchema {
  type?: string;
  minimum?: number;
}

/** Plain decimal numerals: no sign, exponent, hex, `Infinity` or blanks; at most 16 digits each side. */
const UNSIGNED_INTEGER = /^\d{1,16}$/;
const UNSIGNED_DECIMAL = /^\d{1,16}(\.\d{1,16})?$/;

/**
 * Numbers in query strings must be written as plain decimals. The schema's type coercion turns
 * `1e309` and `Infinity` into Infinity, which passes `maximum` in ajv, and `0x10` or `1e3` into
 * numbers nobody meant; so before validation each query value whose schema property is a number
 * or integer is checked against the decimal grammar (a sign only where the minimum is negative),
 * and the schema's bounds then apply to an honest number. The refusal is a 400 naming the
 * parameter.
 */
export const numericQueryPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (req: FastifyRequest) => {
    const schema = req.routeOptions.schema?.querystring as
      | { properties?: Record<string, PropertySchema> }
      | undefined;
    const props = schema?.properties;
    const query = req.query as Record<string, unknown> | undefined;
    if (!props || !query) return;
    for (const [name, prop] of Object.entries(props)) {
      if ((prop.type !== 'integer' && prop.type !== 'number') || !(name in query)) continue;
      const values = Array.isArray(query[name]) ? (query[name] as unknown[]) : [query[name]];
      for (const v of values) {
        if (typeof v === 'string' && !isDecimal(v, prop)) throw badNumber(name, v);
      }
    }
  });
});

function isDecimal(text: string, prop: PropertySchema): boolean {
  const signed = (prop.minimum ?? 0) < 0 && text.startsWith('-') ? text.slice(1) : text;
  return (prop.type === 'integer' ? UNSIGNED_INTEGER : UNSIGNED_DECIMAL).test(signed);
}
