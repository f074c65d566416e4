import { useEffect, useState } from "react";

import { useDebouncedValue } from "@/lib/use-debounced-value";

// Long enough to wait out a word being typed, short enough to feel immediate.
const SEARCH_DELAY_MS = 300;

/** A search field that reports its text once typing pauses; `key:value` tokens go to the server as typed. */
export function SearchBox({
  value,
  onSearch,
  label,
  placeholder,
}: {
  value: string;
  onSearch: (value: string) => void;
  label: string;
  placeholder?: string;
}) {
  const [text, setText] = useState(value);
  const debounced = useDebouncedValue(text, SEARCH_DELAY_MS);

  useEffect(() => {
    if (debounced !== value) onSearch(debounced);
    // Only a change of the typed text searches; a new `value` from outside must not loop back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);

  return (
    <input
      type="search"
      className="search"
      aria-label={label}
      placeholder={placeholder}
      value={text}
      onChange={(event) => setText(event.target.value)}
    />
  );
}
