/** The catalog panel's logic: operations as node documents, grouped by hub and group, searched. */

import { toNodeDocs } from "@/features/workflows/lib/node-docs";
import type { Operation, Workflow } from "@/lib/api/types";

import type { CatalogGroupData } from "../api/catalog";
import type { OperationDoc } from "../graph/edit";
import { compatiblePorts, type DanglingWire } from "../graph/rules";

export interface CatalogEntry {
  /** Unique in the catalog (an operation may be listed by two groups). */
  key: string;
  /** The operation's id. */
  id: string;
  title: string;
  description: string;
  kind: string;
  doc: OperationDoc;
}

export interface CatalogGroup {
  key: string;
  title: string;
  color: string;
  entries: CatalogEntry[];
}

export interface CatalogSection {
  key: string;
  title: string;
  groups: CatalogGroup[];
}

/**
 * An operation of the catalog as the document a new node is made from: only the fields of a
 * workflow's node (the server refuses any other, such as the operation's author or status).
 */
export function toCatalogEntry(operation: Operation, groupKey = ""): CatalogEntry {
  // The converter fills in what the schema leaves optional (counts, positions).
  const [full] = toNodeDocs([{ ...operation, _id: operation.id } as unknown as NonNullable<Workflow["nodes"]>[number]]);
  const doc: OperationDoc = {
    _id: full._id,
    kind: full.kind,
    title: full.title,
    description: full.description,
    inputs: full.inputs,
    outputs: full.outputs,
    parameters: full.parameters,
    logs: full.logs,
    // A composite operation carries its sub-graph.
    ...(full.nodes && full.nodes.length > 0 ? { nodes: full.nodes } : {}),
  };
  return { key: `${groupKey}/${operation.id}`, id: operation.id, title: doc.title, description: doc.description, kind: doc.kind, doc };
}

/** Whether `entry` matches every word of `query` (in its title, description or kind). */
export function matchesQuery(entry: CatalogEntry, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const text = `${entry.title}\n${entry.description}\n${entry.kind}`.toLowerCase();
  return words.every((word) => text.includes(word));
}

const DEFAULT_COLOR = "#9e9e9e";

/** The catalog as sections (hubs) of groups of entries, each group sorted by title. */
export function buildCatalog(data: readonly CatalogGroupData[]): CatalogSection[] {
  const sections: CatalogSection[] = [];
  for (const { hub, group, operations } of data) {
    let section = sections.find((candidate) => candidate.key === hub.kind);
    if (!section) {
      section = { key: hub.kind, title: hub.title, groups: [] };
      sections.push(section);
    }
    const key = `${hub.kind}/${group.key}`;
    section.groups.push({
      key,
      title: group.title,
      color: group.color || DEFAULT_COLOR,
      entries: operations.map((operation) => toCatalogEntry(operation, key)).sort((a, b) => a.title.localeCompare(b.title)),
    });
  }
  return sections;
}

/** The sections with only the entries matching `query`; empty groups and sections are left out. */
export function filterCatalog(sections: readonly CatalogSection[], query: string): CatalogSection[] {
  if (query.trim() === "") return sections as CatalogSection[];
  return sections
    .map((section) => ({
      ...section,
      groups: section.groups
        .map((group) => ({ ...group, entries: group.entries.filter((entry) => matchesQuery(entry, query)) }))
        .filter((group) => group.entries.length > 0),
    }))
    .filter((section) => section.groups.length > 0);
}

/** The entries of `sections` in the order they are shown (for keyboard navigation). */
export function flattenCatalog(sections: readonly CatalogSection[]): CatalogEntry[] {
  return sections.flatMap((section) => section.groups.flatMap((group) => group.entries));
}

/** Each operation once (the first group listing it wins), for lookups by id. */
export function uniqueEntries(sections: readonly CatalogSection[]): CatalogEntry[] {
  const seen = new Set<string>();
  return flattenCatalog(sections).filter((entry) => !seen.has(entry.id) && Boolean(seen.add(entry.id)));
}

/** The entries a dangling wire could connect to, with the first port that fits. */
export function compatibleEntries(entries: readonly CatalogEntry[], wire: DanglingWire): { entry: CatalogEntry; port: string }[] {
  return entries.flatMap((entry) => {
    const [port] = compatiblePorts(entry.doc, wire);
    return port === undefined ? [] : [{ entry, port }];
  });
}
