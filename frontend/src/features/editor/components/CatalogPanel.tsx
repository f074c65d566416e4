import { useId, useMemo, useState, type DragEvent, type KeyboardEvent } from "react";

import { filterCatalog, flattenCatalog, type CatalogEntry, type CatalogSection } from "../lib/catalog";
import { OPERATION_DRAG_TYPE } from "./GraphCanvas";

interface CatalogPanelProps {
  catalog: readonly CatalogSection[];
  loading: boolean;
  error: string | null;
  /** Add the operation at the centre of the canvas (Enter, double click). */
  onAdd: (entry: CatalogEntry) => void;
}

/**
 * The operations the hubs offer, grouped by hub and group, with a search box. Arrow keys move
 * through the shown operations, Enter adds the highlighted one to the centre of the canvas; an
 * operation can also be dragged onto the canvas.
 */
export function CatalogPanel({ catalog, loading, error, onAdd }: CatalogPanelProps) {
  const id = useId();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const sections = useMemo(() => filterCatalog(catalog, query), [catalog, query]);
  const shown = useMemo(() => flattenCatalog(sections), [sections]);
  const indexOf = useMemo(() => new Map(shown.map((entry, index) => [entry.key, index])), [shown]);
  const current = shown.length === 0 ? -1 : Math.min(active, shown.length - 1);
  const optionId = (index: number) => `${id}-option-${index}`;

  const onKeyDown = (event: KeyboardEvent) => {
    if (shown.length === 0) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = (current + step + shown.length) % shown.length;
      setActive(next);
      document.getElementById(optionId(next))?.scrollIntoView?.({ block: "nearest" });
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      onAdd(shown[current]);
    }
  };

  const onDragStart = (event: DragEvent, entry: CatalogEntry) => {
    event.dataTransfer.setData(OPERATION_DRAG_TYPE, entry.id);
    event.dataTransfer.setData("text/plain", entry.title);
    event.dataTransfer.effectAllowed = "copy";
  };

  return (
    <aside className="editor-panel catalog" aria-label="Operations catalog">
      <h2>Operations</h2>
      <label className="catalog-search">
        <span className="visually-hidden">Search operations</span>
        <input
          type="search"
          placeholder="Search operations"
          value={query}
          role="combobox"
          aria-expanded="true"
          aria-controls={`${id}-list`}
          aria-activedescendant={current >= 0 ? optionId(current) : undefined}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
      </label>
      <p className="catalog-hint muted small">Drag onto the canvas, or ↑ ↓ and Enter.</p>
      {error && (
        <p role="alert" className="panel-error">
          The catalog could not be loaded: {error}
        </p>
      )}
      {loading && <p className="muted small">Loading operations…</p>}
      {!loading && !error && shown.length === 0 && (
        <p className="muted small">{query ? `No operation matches "${query}".` : "No approved operations yet."}</p>
      )}
      <div className="catalog-list" id={`${id}-list`} role="listbox" aria-label="Operations" tabIndex={-1} onKeyDown={onKeyDown}>
        {sections.map((section) => (
          <div key={section.key} role="group" aria-label={section.title} className="catalog-hub">
            {sections.length > 1 && <h3 className="catalog-hub-title">{section.title}</h3>}
            {section.groups.map((group) => (
              <div key={group.key} role="group" aria-label={group.title} className="catalog-group">
                <h4 className="catalog-group-title">
                  <span className="catalog-swatch" style={{ background: group.color }} aria-hidden="true" />
                  {group.title}
                </h4>
                {group.entries.map((entry) => {
                  const mine = indexOf.get(entry.key) ?? -1;
                  return (
                    <div
                      key={entry.key}
                      id={optionId(mine)}
                      role="option"
                      aria-selected={mine === current}
                      className={`catalog-item${mine === current ? " active" : ""}`}
                      draggable
                      title={entry.description || entry.title}
                      onDragStart={(event) => onDragStart(event, entry)}
                      onClick={() => setActive(mine)}
                      onDoubleClick={() => onAdd(entry)}
                    >
                      <span className="catalog-item-title">{entry.title}</span>
                      <span className="catalog-item-ports muted">
                        {entry.doc.inputs.length} in · {entry.doc.outputs.length} out
                      </span>
                    </div>
                  );
                })}
              </div>
            ))}
          </div>
        ))}
      </div>
    </aside>
  );
}
