export function Pagination({
  count,
  offset,
  limit,
  onChange,
}: {
  count: number;
  offset: number;
  limit: number;
  onChange: (offset: number) => void;
}) {
  if (count <= limit && offset === 0) return null;
  const first = count === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, count);
  return (
    <nav className="pagination" aria-label="Pages">
      <button type="button" onClick={() => onChange(Math.max(0, offset - limit))} disabled={offset === 0}>
        Previous
      </button>
      <span>
        {first}–{last} of {count}
      </span>
      <button type="button" onClick={() => onChange(offset + limit)} disabled={offset + limit >= count}>
        Next
      </button>
    </nav>
  );
}
