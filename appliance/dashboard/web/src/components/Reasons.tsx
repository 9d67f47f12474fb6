import type { Reason } from '../../../api/common';

/** The reasons of a flag, one per item, as the detector listed them. */
export function Reasons({ reasons }: { reasons: Reason[] }) {
  if (reasons.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="reasons">
      {reasons.map((r) => (
        <li key={`${r.code}-${r.words}`} data-code={r.code}>
          {r.words}
        </li>
      ))}
    </ul>
  );
}
