/** A status as a coloured label; the colour comes from the status name (see styles.css). */
export function StatusBadge({ status }: { status: string }) {
  const label = status.replace(/_/g, " ").toLowerCase();
  return <span className={`status status-${status.toLowerCase().replace(/[^a-z_]/g, "")}`}>{label}</span>;
}
