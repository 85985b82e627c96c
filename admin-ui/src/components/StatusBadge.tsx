/** A status as a coloured label; the text itself carries the meaning, colour only helps. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status}</span>;
}
