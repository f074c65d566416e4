// Colours of the common types; any other type gets a stable colour from its name.
const KNOWN: Record<string, string> = {
  file: "#7f8c8d",
  csv: "#27ae60",
  tsv: "#16a085",
  json: "#d35400",
  txt: "#2c3e50",
  image: "#8e44ad",
  directory: "#b7950b",
  executable: "#c0392b",
  int: "#2980b9",
  float: "#3498db",
  str: "#e67e22",
  bool: "#9b59b6",
  color: "#e84393",
};

/** The colour of a port of type `fileType`. */
export function typeColor(fileType: string): string {
  const known = KNOWN[fileType];
  if (known) return known;
  let hash = 0;
  for (const char of fileType) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360} 55% 45%)`;
}
