import { useState } from "react";

import { thumbnailUrl, useResourcePreview } from "../api/resources";

/** Output types shown as a picture, and as a few lines of text. */
const IMAGE_TYPES = new Set(["image"]);
const TEXT_TYPES = new Set(["txt", "json", "csv", "tsv", "str", "int", "float", "bool", "color"]);

// A node card is ~220px wide: two short lines say what the output holds without crowding it.
const TEXT_LINES = 2;
const LINE_CHARS = 40;

export function hasThumbnail(fileType: string): boolean {
  return IMAGE_TYPES.has(fileType) || TEXT_TYPES.has(fileType);
}

function previewText(preview: NonNullable<ReturnType<typeof useResourcePreview>["data"]>): string {
  if (preview.kind === "table") {
    const rows = [preview.columns ?? [], ...(preview.rows ?? [])];
    return rows.map((row) => row.join(", ")).join("\n");
  }
  if (preview.kind === "value") return typeof preview.value === "string" ? preview.value : JSON.stringify(preview.value);
  return preview.text ?? "";
}

function TextThumbnail({ resourceId, name }: { resourceId: string; name: string }) {
  const preview = useResourcePreview(resourceId);
  if (!preview.data) return null;
  const lines = previewText(preview.data)
    .split("\n")
    .slice(0, TEXT_LINES)
    .map((line) => (line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS - 1)}…` : line));
  return (
    <pre className="node-thumb node-thumb-text" aria-label={`Preview of ${name}`}>
      {lines.join("\n")}
    </pre>
  );
}

/** A small look at an output a run produced: a picture for images, the first lines of text. */
export function OutputThumbnail({ resourceId, name, fileType }: { resourceId: string; name: string; fileType: string }) {
  const [broken, setBroken] = useState(false);
  if (IMAGE_TYPES.has(fileType)) {
    if (broken) return null;
    return (
      <img
        className="node-thumb node-thumb-image"
        src={thumbnailUrl(resourceId)}
        alt={`Preview of ${name}`}
        loading="lazy"
        draggable={false}
        onError={() => setBroken(true)}
      />
    );
  }
  if (TEXT_TYPES.has(fileType)) return <TextThumbnail resourceId={resourceId} name={name} />;
  return null;
}
