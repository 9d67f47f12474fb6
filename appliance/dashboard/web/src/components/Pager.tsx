import { num, plural } from '../format';

/**
 * "showing 51–100 of 153 IPs" with previous/next: no list is silently cut. `noun` is singular
 * ("IP"): the total says it in the right number ("of 1 IP"). `total` undefined: the count has not
 * arrived, and the pager says so instead of "0 of 0".
 */
export function Pager({
  page,
  pageSize,
  shown,
  total,
  noun,
  onPage,
  testId,
  estimated,
}: {
  page: number;
  pageSize: number;
  shown: number;
  total: number | undefined;
  /** What is counted, singular ("IP", "alert"). */
  noun: string;
  onPage: (page: number) => void;
  testId?: string;
  /** The total is an estimate: said as "about". */
  estimated?: boolean;
}) {
  const pages = total === undefined ? page : Math.max(1, Math.ceil(total / pageSize));
  const first = !total ? 0 : (page - 1) * pageSize + 1;
  const last = (page - 1) * pageSize + shown;
  return (
    <div className="pager" data-testid={testId ?? 'pager'}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ‹ prev
      </button>
      <span className="showing">
        {total === undefined
          ? `loading ${noun}s…`
          : `showing ${shown === 0 ? 0 : `${num(first)}–${num(last)}`} of ${estimated ? 'about ' : ''}${plural(total, noun)}`}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        next ›
      </button>
    </div>
  );
}
