import type { Reason } from '../api/index.js';

/**
 * The reasons of a flagged row as a list. The detector writes them structured (code, words,
 * value, typical value) next to the joined `reason` text; rows written before that have only the
 * text, which is shown as one item: it cannot be split safely, since "; " also occurs inside a
 * reason ("client errors (4xx; typical human: 0%)").
 */
export function reasonList(structured: string, text: string): Reason[] {
  const parsed = parseStructured(structured);
  if (parsed.length > 0) return parsed;
  return text ? [{ code: 'text', words: text, value: null, typical: null }] : [];
}

function parseStructured(json: string): Reason[] {
  if (!json) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
    if (typeof value === 'string') value = JSON.parse(value);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): Reason[] => {
    if (typeof item !== 'object' || item === null) return [];
    const r = item as Record<string, unknown>;
    const words = String(r.words ?? r.text ?? '');
    if (!words) return [];
    return [
      {
        code: String(r.code ?? r.feature ?? 'reason'),
        words,
        value: finite(r.value),
        typical: finite(r.typical ?? r.typical_value),
      },
    ];
  });
}

function finite(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}
