import type { FastifyInstance } from 'fastify';
import {
  AlertStateBody,
  AlertsQuery,
  AlertsResponse,
  AuditQuery,
  AuditResponse,
  LabelBody,
  ListEntry,
  ListEntryParams,
  ListsResponse,
  NewListEntry,
  TriageResult,
} from '../../api/index.js';
import { badQuery, notFound } from '../../errors.js';
import type { Session } from '../auth/sessions.js';
import { JA4_SHAPE } from '../blocklist.js';
import { canonicalCidr, canonicalIp } from '../canonical-ip.js';
import { currentCycles } from '../queries/current-anomalies.js';
import { listEntries } from '../queries/decisions.js';
import { listAlerts, listAudit } from '../queries/triage-read.js';
import {
  addListEntry,
  audit,
  labelAddress,
  removeListEntry,
  setAlertState,
} from '../queries/triage-write.js';
import { parseRange } from '../time-range.js';
import { pageEcho, pageOf, type RouteContext } from './context.js';

const JA4_PREFIX = /^[tqd][0-9a-z_]{0,35}\*$/;

/** The canonical text of a list subject, or a 400 naming what was wrong. */
export function canonicalSubject(kind: NewListEntry['subject_kind'], text: string): string {
  const t = text.trim();
  const out =
    kind === 'ip'
      ? canonicalIp(t)
      : kind === 'cidr'
        ? canonicalCidr(t)
        : kind === 'ja4'
          ? JA4_SHAPE.test(t) || JA4_PREFIX.test(t)
            ? t
            : undefined
          : /^(?:as)?\d{1,10}$/i.test(t) && Number(t.replace(/^as/i, '')) <= 0xffff_ffff
            ? String(Number(t.replace(/^as/i, '')))
            : undefined;
  if (out === undefined)
    throw badQuery(`body/subject ${JSON.stringify(t.slice(0, 60))} is not a valid ${kind}`);
  return out;
}

function ipOf(text: string): string {
  const ip = canonicalIp(text);
  if (ip === undefined)
    throw badQuery(`body/src_ip ${JSON.stringify(text.slice(0, 60))} is not an IP address`);
  return ip;
}

const user = (s: Session | undefined) => s?.username ?? '?';

/**
 * The analyst's decisions: allow and deny lists (with expiry), labels on flagged addresses,
 * alert states, and the audit trail of every change. Every analyst and admin may triage; every
 * change needs the session's CSRF token (the guard checks every method but GET) and is audited.
 */
export async function triageRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  listRoutes(app, ctx);
  decisionRoutes(app, ctx);
  queueRoutes(app, ctx);
}

/** Allow and deny lists: read, add, remove. */
function listRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/api/lists',
    { schema: { response: { 200: ListsResponse } } },
    async (): Promise<ListsResponse> => ({
      entries: await listEntries(ctx.ch),
    }),
  );

  app.post<{ Body: NewListEntry }>(
    '/api/lists',
    { schema: { body: NewListEntry, response: { 200: ListEntry } } },
    async (req): Promise<ListEntry> => {
      const subject = canonicalSubject(req.body.subject_kind, req.body.subject);
      const entry = { ...req.body, subject };
      const id = await addListEntry(ctx.ch, entry, user(req.session));
      const expires = req.body.expires_at ? new Date(req.body.expires_at * 1000).toISOString() : 'never';
      await audit(
        ctx.ch,
        user(req.session),
        `${req.body.list}_list_add`,
        { kind: entry.subject_kind, value: subject },
        `${req.body.note} (expires ${expires})`,
      );
      const added = (await listEntries(ctx.ch)).find((e) => e.id === id);
      if (!added) throw notFound(`list entry ${id}`);
      return added;
    },
  );

  app.delete<{ Params: ListEntryParams }>(
    '/api/lists/:id',
    { schema: { params: ListEntryParams, response: { 200: TriageResult } } },
    async (req): Promise<TriageResult> => {
      const entry = (await listEntries(ctx.ch)).find((e) => e.id === req.params.id);
      if (!entry) throw notFound(`list entry ${req.params.id}`);
      await removeListEntry(ctx.ch, entry, user(req.session));
      await audit(
        ctx.ch,
        user(req.session),
        `${entry.list}_list_remove`,
        { kind: entry.subject_kind, value: entry.subject },
        entry.note,
      );
      return { rows: 1 };
    },
  );
}

/** Labels and alert states on one flagged address in a range. */
function decisionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Body: LabelBody }>(
    '/api/labels',
    { schema: { body: LabelBody, response: { 200: TriageResult } } },
    async (req): Promise<TriageResult> => {
      const ip = ipOf(req.body.src_ip);
      const rows = await labelAddress(
        ctx.ch,
        ip,
        parseRange(req.body),
        req.body.label,
        req.body.note,
        user(req.session),
      );
      await audit(
        ctx.ch,
        user(req.session),
        `label_${req.body.label}`,
        { kind: 'ip', value: ip },
        `${req.body.note} (${rows} hours)`,
      );
      return { rows };
    },
  );

  app.post<{ Body: AlertStateBody }>(
    '/api/alerts/state',
    { schema: { body: AlertStateBody, response: { 200: TriageResult } } },
    async (req): Promise<TriageResult> => {
      const ip = ipOf(req.body.src_ip);
      const rows = await setAlertState(
        ctx.ch,
        ip,
        parseRange(req.body),
        req.body.state,
        req.body.note,
        user(req.session),
      );
      await audit(
        ctx.ch,
        user(req.session),
        `alert_${req.body.state}`,
        { kind: 'ip', value: ip },
        `${req.body.note} (${rows} rows)`,
      );
      return { rows };
    },
  );
}

/** The alerts queue and the audit trail. */
function queueRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Querystring: AlertsQuery }>(
    '/api/alerts',
    { schema: { querystring: AlertsQuery, response: { 200: AlertsResponse } } },
    async (req): Promise<AlertsResponse> => {
      const range = parseRange(req.query);
      const cycles = await currentCycles(ctx.ch, range);
      const { total, rows } = await listAlerts(
        ctx.ch,
        range,
        req.query.view ?? 'open',
        pageOf(req.query),
        cycles,
      );
      return { range, ...pageEcho(req.query, total), rows };
    },
  );

  app.get<{ Querystring: AuditQuery }>(
    '/api/audit',
    { schema: { querystring: AuditQuery, response: { 200: AuditResponse } } },
    async (req): Promise<AuditResponse> => {
      const { total, rows } = await listAudit(ctx.ch, req.query.subject ?? '', pageOf(req.query));
      return { ...pageEcho(req.query, total), rows };
    },
  );
}
