/**
 * jsdom has no layout: CodeMirror measures text ranges to draw the cursor and selection. Empty
 * rectangles let it render and edit in component tests (it logs an error without them).
 */
const emptyRects = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
const emptyRect = () => new DOMRect(0, 0, 0, 0);

if (typeof Range !== "undefined") {
  Range.prototype.getClientRects ??= emptyRects;
  Range.prototype.getBoundingClientRect ??= emptyRect;
}
