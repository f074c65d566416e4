/** The search syntax of operations and workflows (the server's `apps/nodes/selectors.py`). */
export function NodeSearchHint() {
  return (
    <>
      Words match the title or description. Narrow with <code>author:alice</code> <code>kind:python</code>{" "}
      <code>status:READY</code> <code>starred:true</code> <code>id:…</code>; commas give alternatives, as in{" "}
      <code>kind:python,bash_jinja2</code>.
    </>
  );
}

export const NODE_STATUSES = ["CREATED", "READY", "DEPRECATED", "MANDATORY_DEPRECATED"] as const;
