/** Label chips (ASN class, bot labels). Text only: values come from data, never markup. */
export function Labels({ values }: { values: (string | undefined | null)[] }) {
  return (
    <span className="labels">
      {values
        .filter((v): v is string => Boolean(v))
        .map((v) => (
          <span key={v} className={`chip chip-${v.replace(/[^a-z]/gi, '').toLowerCase()}`}>
            {v}
          </span>
        ))}
    </span>
  );
}
