/**
 * Delimited text (CSV, TSV) as rows of fields, as RFC 4180 reads it: a field in double quotes may
 * hold the delimiter, line breaks and doubled quotes (`""` is one `"`); rows end with LF or CRLF.
 */
export interface DelimitedTable {
  rows: string[][];
  /** Rows were left out after `maxRows`. */
  truncated: boolean;
}

export function parseDelimited(text: string, delimiter: string, maxRows = Infinity): DelimitedTable {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte order mark is not data

  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = "";
  };

  while (i < text.length) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += char;
      }
      i += 1;
      continue;
    }
    if (char === '"' && field === "") {
      quoted = true;
    } else if (char === delimiter) {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      endRow();
      if (char === "\r" && text[i + 1] === "\n") i += 1;
      if (rows.length > maxRows) {
        rows.length = maxRows;
        return { rows, truncated: true };
      }
    } else {
      field += char;
    }
    i += 1;
  }
  if (field !== "" || row.length > 0 || quoted) endRow();
  if (rows.length > maxRows) {
    rows.length = maxRows;
    return { rows, truncated: true };
  }
  return { rows, truncated: false };
}

/** The delimiter of a file type, or null when it is not delimited text. */
export function delimiterOf(fileType: string | null | undefined): string | null {
  if (fileType === "csv") return ",";
  if (fileType === "tsv") return "\t";
  return null;
}
