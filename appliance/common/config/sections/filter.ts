import { z } from 'zod';
import { isValidCidr } from '../../ip-filter.js';

const cidr = z
  .string()
  .refine(isValidCidr, { message: 'an IPv4 or IPv6 address or CIDR (10.0.0.0/8, ::1/128)' });

/** Traffic to ignore, e.g. health checks: deny wins; a non-empty allow list keeps only its ranges. */
export const filterSection = z
  .object({
    allow: z.array(cidr).default([]),
    deny: z.array(cidr).default([]),
  })
  .strict()
  .prefault({});
