/** A headline number with its label; `tone` colours it only when it says something is wrong. */
export function Kpi({
  label,
  value,
  tone,
  hint,
}: {
  label: string;
  value: string | number;
  tone?: 'bad' | 'warn';
  hint?: string;
}) {
  return (
    <div className={`kpi ${tone ?? ''}`} title={hint}>
      <div className="kpi-value">{typeof value === 'number' ? value.toLocaleString('en-US') : value}</div>
      <div className="kpi-label">{label}</div>
    </div>
  );
}
