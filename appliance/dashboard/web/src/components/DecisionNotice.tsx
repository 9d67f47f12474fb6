import { useState } from 'react';
import type { Decided } from './Triage';

/**
 * The last decision an analyst made from a table's rows, said above the table. The row itself
 * may be gone after the reload (an allow-listed address leaves the anomalies list), and with it
 * the row's own confirmation.
 */
export function useDecisionNotice(reload: () => void): { notice: string; onDone: Decided } {
  const [notice, setNotice] = useState('');
  return {
    notice,
    onDone: (said) => {
      setNotice(said);
      reload();
    },
  };
}

export function DecisionNotice({ notice }: { notice: string }) {
  if (!notice) return null;
  return (
    <p className="small notice" role="status" data-testid="decision-notice">
      {notice}
    </p>
  );
}
