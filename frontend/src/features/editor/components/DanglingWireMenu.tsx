import { useEffect, useRef } from "react";

import type { CatalogEntry } from "../lib/catalog";

interface DanglingWireMenuProps {
  /** Where it opens, relative to the canvas. */
  at: { x: number; y: number };
  /** What the wire starts at, for the menu's label ("output table (csv)"). */
  from: string;
  choices: readonly { entry: CatalogEntry; port: string }[];
  onPick: (choice: { entry: CatalogEntry; port: string }) => void;
  onClose: () => void;
}

/**
 * The operations a wire dropped on empty canvas can connect to (only those with a compatible
 * port). Picking one adds it there, connected. Escape or a click elsewhere closes the menu.
 */
export function DanglingWireMenu({ at, from, choices, onPick, onClose }: DanglingWireMenuProps) {
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    menu.current?.querySelector<HTMLButtonElement>("button")?.focus();
    const onPointer = (event: PointerEvent) => {
      if (menu.current && !menu.current.contains(event.target as Node)) onClose();
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [onClose]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>("button[role=menuitem]") ?? [])];
    const index = items.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === "Escape") {
      event.preventDefault();
      onClose();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      items[(index + step + items.length) % items.length]?.focus();
    }
  };

  return (
    <div
      ref={menu}
      className="wire-menu"
      role="menu"
      aria-label={`Operations that fit ${from}`}
      style={{ left: at.x, top: at.y }}
      onKeyDown={onKeyDown}
    >
      <div className="wire-menu-title">Connect {from} to…</div>
      {choices.length === 0 ? (
        <p className="muted small wire-menu-empty">No operation in the catalog fits.</p>
      ) : (
        choices.map((choice) => (
          <button key={choice.entry.id} type="button" role="menuitem" onClick={() => onPick(choice)}>
            <span>{choice.entry.title}</span>
            <span className="muted small"> · {choice.port}</span>
          </button>
        ))
      )}
    </div>
  );
}
