import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";

import { downloadUrl, thumbnailUrl, useResourcePreview, type ResourcePreview } from "../api/preview";
import type { NodeOutput } from "../api/run";
import { delimiterOf, parseDelimited } from "../lib/delimited";
import { formatBytes } from "../lib/format-bytes";

/** The most table rows shown; the download has them all. */
export const PREVIEW_MAX_ROWS = 50;

function Truncated({ shown }: { shown?: string }) {
  return <p className="preview-note">{shown ? `${shown} ` : ""}The preview shows only the beginning: download the file for all of it.</p>;
}

function Table({ columns, rows, truncated }: { columns: readonly string[]; rows: readonly (readonly string[])[]; truncated: boolean }) {
  const shown = rows.slice(0, PREVIEW_MAX_ROWS);
  const cut = truncated || rows.length > shown.length;
  const width = Math.max(columns.length, ...shown.map((row) => row.length));
  const header = Array.from({ length: width }, (_, index) => columns[index] ?? "");
  const rowWord = shown.length === 1 ? "row" : "rows";
  return (
    <>
      <div className="preview-table-wrap">
        <table className="preview-table">
          <thead>
            <tr>
              {header.map((name, index) => (
                <th key={index} scope="col">
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row, rowIndex) => (
              <tr key={rowIndex}>
                {header.map((_, index) => (
                  <td key={index}>{row[index] ?? ""}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cut ? (
        <Truncated shown={`The first ${shown.length} ${rowWord} are shown.`} />
      ) : (
        <p className="preview-note">
          {shown.length} {rowWord}.
        </p>
      )}
    </>
  );
}

function ValuePreview({ value }: { value: unknown }) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const isColor = typeof value === "string" && /^#[0-9a-f]{3,8}$/i.test(value);
  return (
    <p className="preview-value">
      {isColor && <span className="preview-swatch" style={{ background: value }} aria-hidden="true" />}
      <code>{text}</code>
    </p>
  );
}

function PreviewBody({ preview, output, resourceId }: { preview: ResourcePreview; output: NodeOutput; resourceId: string }) {
  const truncated = preview.truncated ?? false;
  switch (preview.kind) {
    case "table":
      return <Table columns={preview.columns ?? []} rows={preview.rows ?? []} truncated={truncated} />;
    case "json":
      return (
        <>
          <pre className="preview-text">{preview.text ?? ""}</pre>
          {truncated && <Truncated />}
        </>
      );
    case "text": {
      const delimiter = delimiterOf(output.file_type);
      if (delimiter !== null) {
        // Delimited text the server did not read as a table: read it here.
        const table = parseDelimited(preview.text ?? "", delimiter, PREVIEW_MAX_ROWS + 1);
        const [columns = [], ...rows] = table.rows;
        return <Table columns={columns} rows={rows} truncated={truncated || table.truncated} />;
      }
      return (
        <>
          <pre className="preview-text">{preview.text ?? ""}</pre>
          {truncated && <Truncated />}
        </>
      );
    }
    case "value":
      return <ValuePreview value={preview.value} />;
    case "image":
      return (
        <a href={downloadUrl(resourceId)} target="_blank" rel="noopener noreferrer" className="preview-image">
          <img src={thumbnailUrl(resourceId)} alt={`${output.name} (thumbnail)`} loading="lazy" />
        </a>
      );
    case "directory": {
      const entries = preview.entries ?? [];
      return (
        <>
          <ul className="preview-entries">
            {entries.map((entry) => (
              <li key={entry.name}>
                <code>{entry.name}</code>
                {!entry.is_dir && <span className="muted"> {formatBytes(entry.size)}</span>}
              </li>
            ))}
          </ul>
          <p className="preview-note">
            {preview.count === null || preview.count === undefined
              ? "Too many entries to list."
              : `${preview.count} ${preview.count === 1 ? "entry" : "entries"}${truncated ? `, the first ${entries.length} listed` : ""}.`}
          </p>
        </>
      );
    }
    default:
      return <p className="preview-note">Binary data has no preview: download it.</p>;
  }
}

/** A node output as a person reads it: a table, pretty JSON, an image or text; always a download. */
export function OutputPreview({ output, finished = true }: { output: NodeOutput; finished?: boolean }) {
  const resourceId = output.resource_id;
  const preview = useResourcePreview(resourceId);
  return (
    <section className="preview" aria-label="Preview">
      <header className="preview-header">
        <span>
          <strong>{output.name}</strong> {output.file_type && <span className="muted">{output.file_type}</span>}
        </span>
        {resourceId && (
          <a href={downloadUrl(resourceId)} download className="download">
            Download
          </a>
        )}
      </header>
      {!resourceId ? (
        <p className="preview-note">{finished ? "The node did not produce this output." : "Not produced yet."}</p>
      ) : preview.isPending ? (
        <Loading label="Loading the preview" />
      ) : preview.isError ? (
        <ErrorMessage error={preview.error} onRetry={() => void preview.refetch()} />
      ) : (
        <PreviewBody preview={preview.data} output={output} resourceId={resourceId} />
      )}
    </section>
  );
}
