import { z } from 'zod';
import { bearerToken } from './bearer-token.js';

const user = z
  .object({
    username: z
      .string()
      .regex(/^[A-Za-z0-9_.@-]{1,64}$/, { message: 'a user name of 1-64 letters, digits, _ . @ -' }),
    /** scrypt hash as written by `ja4 dashboard hash-password`. */
    password_hash: z.string().min(1),
    role: z.enum(['admin', 'analyst']).default('analyst'),
  })
  .strict();

export const dashboardSection = z
  .object({
    port: z.number().int().min(0).max(65535).default(8000),
    host: z.string().default('127.0.0.1'),
    /** Key that signs session cookies; replicas must share it. Empty: generated into state_dir. */
    session_secret: z
      .string()
      .refine((v) => v === '' || v.length >= 32, { message: 'empty (generated) or at least 32 characters' })
      .default(''),
    /** First admin's password; when empty one is generated on first run and printed once. */
    admin_password: z.string().default(''),
    users: z.array(user).default([]),
    state_dir: z.string().default('./var/dashboard'),
    session_ttl_minutes: z.number().int().min(5).max(10_080).default(480),
    login_rate_limit_per_minute: z.number().int().min(1).max(1000).default(10),
    /**
     * Set when the dashboard is served over HTTPS (behind a TLS proxy): cookies get Secure and
     * responses carry Strict-Transport-Security.
     */
    secure_cookies: z.boolean().default(false),
    /** Secret: lets a scraper read /metrics with `Authorization: Bearer <token>`; empty: admins only. */
    metrics_token: bearerToken,
    /** The detector API the dashboard proxies (status, run); empty: detector.host:detector.port. */
    detector_url: z
      .string()
      .refine((v) => v === '' || /^https?:\/\/[^/@\s]+(\/[^\s]*)?$/.test(v), {
        message: 'empty or an http(s)://host:port URL without credentials',
      })
      .default(''),
    /** Directory of the built web app to serve; empty: the bundle beside the server (web/dist). */
    web_root: z.string().default(''),
  })
  .strict()
  .prefault({});
