import { createSignal, type Accessor } from 'solid-js';
import { moveIndex, tabStop } from '../logic/keyboard-list.ts';

const EDITABLE = 'input, select, textarea, [contenteditable="true"]';
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled])';

export type KeyboardList = ReturnType<typeof createKeyboardList>;

/**
 * Keyboard navigation of a list's rows (services, nodes, events, users): put `onKeyDown` on an element around
 * the rows and spread `row(index)` on each row. Up/Down, PageUp/PageDown, Home/End move the focused row, one
 * tab stop at a time (roving tabindex, `aria-selected` on the active row); Enter on a row calls `open`, or,
 * without one, moves focus to the row's first control. Keys typed in a field of a row are left alone.
 */
export const createKeyboardList = (options: {
  count: Accessor<number>;
  open?: (index: number) => void;
  /** For virtual lists: bring row `index` into the rendered window, so it exists to be focused. */
  scrollTo?: (index: number) => void;
}) => {
  const [active, setActive] = createSignal(-1);
  const stop = () => tabStop(active(), options.count());
  const rowIn = (container: HTMLElement, index: number) => container.querySelector<HTMLElement>(`[data-row-index="${index}"]`);

  const focusRow = (container: HTMLElement, index: number) => {
    setActive(index);
    let el = rowIn(container, index);
    if (!el && options.scrollTo) {
      // NOTE: Solid updates the DOM synchronously when the scroll position signal changes, so the row exists now.
      options.scrollTo(index);
      el = rowIn(container, index);
    }
    el?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target as HTMLElement;
    if (target.closest(EDITABLE)) return;
    const row = target.closest<HTMLElement>('[data-row-index]');
    const container = e.currentTarget as HTMLElement;
    if (e.key === 'Enter') {
      // Enter on a link or button inside the row keeps its own meaning.
      if (!row || row !== target) return;
      e.preventDefault();
      const index = Number(row.dataset.rowIndex);
      if (options.open) options.open(index);
      else row.querySelector<HTMLElement>(FOCUSABLE)?.focus();
      return;
    }
    const current = row ? Number(row.dataset.rowIndex) : active();
    const next = moveIndex(e.key, current, options.count());
    if (next === null) return;
    e.preventDefault();
    focusRow(container, next);
  };

  /** A row's attributes; `index` is the row's place in the whole list (an accessor for a moving window). */
  const row = (index: number | Accessor<number>) => {
    const at = typeof index === 'function' ? index : () => index;
    return {
      get 'data-row-index'() {
        return at();
      },
      get tabindex() {
        return stop() === at() ? 0 : -1;
      },
      get 'aria-selected'() {
        return active() === at();
      },
      onFocus: (e: FocusEvent) => {
        if (e.target === e.currentTarget) setActive(at());
      },
    };
  };

  return { active, setActive, onKeyDown, row };
};
