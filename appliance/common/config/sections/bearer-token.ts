import { z } from 'zod';

/** An RFC 6750 bearer token (token68): empty, or 32-512 characters. */
export const bearerToken = z
  .string()
  .refine((v) => v === '' || (v.length >= 32 && v.length <= 512 && /^[A-Za-z0-9\-._~+/]+=*$/.test(v)), {
    message: 'empty or 32-512 characters of A-Z a-z 0-9 - . _ ~ + / (then = padding)',
  })
  .default('');
