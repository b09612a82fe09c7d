/**
 * Keyboard movement in a list of `count` rows: the row a key moves to from `current` (-1 when none is
 * active yet), or null when the key is not a movement key or there are no rows.
 */
export const moveIndex = (key: string, current: number, count: number, page = 10): number | null => {
  if (count <= 0) return null;
  const from = Math.min(current, count - 1);
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'ArrowDown':
      return from < 0 ? 0 : clamp(from + 1);
    case 'ArrowUp':
      return from < 0 ? 0 : clamp(from - 1);
    case 'PageDown':
      return clamp(Math.max(from, 0) + page);
    case 'PageUp':
      return clamp(Math.max(from, 0) - page);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
};

/**
 * The row that holds the one tab stop (roving tabindex): the active row, or the first row until one is
 * active, or after the active row went away (the list shrank).
 */
export const tabStop = (active: number, count: number): number => (count <= 0 ? -1 : active >= 0 && active < count ? active : 0);
