/**
 * The rows a virtualized list renders: those in view plus `overscan` either side. The window moves in steps
 * of `chunk` rows, so small scrolls leave the rendered rows alone and the browser just scrolls them.
 */
export const visibleRange = (
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 8,
  chunk = 1,
): { start: number; end: number } => {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const step = Math.max(1, Math.floor(chunk));
  const first = Math.min(count - 1, Math.floor(Math.max(0, scrollTop) / rowHeight));
  const base = Math.floor(first / step) * step;
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, base - overscan);
  const end = Math.min(count, base + step - 1 + visible + overscan);
  return { start, end: Math.max(start, end) };
};
