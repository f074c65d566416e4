import { useEffect, useState } from "react";

import { formatAgo, formatDateTime } from "@/lib/format";

/** The current time, read again every `intervalMs` (for texts such as "3 s ago"). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** "3 s ago", kept current, with the exact time as its tooltip and machine-readable value. */
export function RelativeTime({ value, now }: { value: string | null | undefined; now?: number }) {
  const ticking = useNow();
  if (!value) return <>–</>;
  return (
    <time dateTime={value} title={formatDateTime(value)}>
      {formatAgo(value, now ?? ticking)}
    </time>
  );
}
