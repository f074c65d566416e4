import { useEffect, useRef, useState } from "react";

// Long enough to wait out a word being typed, short enough to feel immediate.
const SEARCH_DELAY_MS = 300;

/**
 * A text field that reports its text once typing pauses. A new `value` from outside (a filter
 * cleared, a toggle that fills the field) replaces the text and drops a report still waiting;
 * the field's own reports coming back as `value` leave the text alone.
 */
export function DebouncedInput({
  value,
  onChange,
  label,
  placeholder,
  type = "text",
  className,
  describedBy,
  keyShortcuts,
}: {
  value: string;
  onChange: (value: string) => void;
  label: string;
  placeholder?: string;
  type?: "search" | "text";
  className?: string;
  describedBy?: string;
  /** The key that focuses the field, for assistive technology (`aria-keyshortcuts`). */
  keyShortcuts?: string;
}) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  const [reported, setReported] = useState(value);
  const lastReport = useRef(value);
  const timer = useRef<number | undefined>(undefined);

  if (value !== shown) {
    setShown(value);
    if (value !== reported) {
      setText(value);
      setReported(value);
    }
  }

  // An outside change wins over a report still waiting.
  useEffect(() => {
    if (value !== lastReport.current) window.clearTimeout(timer.current);
  }, [value]);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  function edit(next: string) {
    setText(next);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      lastReport.current = next;
      setReported(next);
      onChange(next);
    }, SEARCH_DELAY_MS);
  }

  return (
    <input
      type={type}
      className={className}
      aria-label={label}
      aria-describedby={describedBy}
      aria-keyshortcuts={keyShortcuts}
      placeholder={placeholder}
      value={text}
      onChange={(event) => edit(event.target.value)}
    />
  );
}

/** A search field that searches once typing pauses; `key:value` tokens go to the server as typed. */
export function SearchBox({
  value,
  onSearch,
  label,
  placeholder,
  describedBy,
  keyShortcuts,
}: {
  value: string;
  onSearch: (value: string) => void;
  label: string;
  placeholder?: string;
  describedBy?: string;
  keyShortcuts?: string;
}) {
  return (
    <DebouncedInput
      type="search"
      className="search"
      value={value}
      onChange={onSearch}
      label={label}
      placeholder={placeholder}
      describedBy={describedBy}
      keyShortcuts={keyShortcuts}
    />
  );
}
