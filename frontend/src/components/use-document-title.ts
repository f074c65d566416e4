import { useEffect } from "react";

/** The browser tab says which page this is ("Workflows · PLynx"), and what it said before when the page goes. */
export function useDocumentTitle(title: string) {
  useEffect(() => {
    const previous = document.title;
    document.title = `${title} · PLynx`;
    return () => {
      document.title = previous;
    };
  }, [title]);
}
