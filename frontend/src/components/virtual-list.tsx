import { createMemo, createSignal, For, onCleanup, onMount, type Accessor, type JSX } from 'solid-js';
import { visibleRange } from '../logic/virtual.ts';

/**
 * Virtual scrolling state for a scroll container with fixed-height rows: call `bind(el)` from a ref; `range`
 * says which rows to render. Scroll positions are read once per animation frame.
 */
export const createVirtual = (count: Accessor<number>, rowHeight: number, fallbackHeight = 600) => {
  const [scrollTop, setScrollTop] = createSignal(0);
  const [height, setHeight] = createSignal(fallbackHeight);
  const range = createMemo(() => visibleRange(scrollTop(), height(), rowHeight, count(), 8, 4), undefined, {
    equals: (a, b) => a.start === b.start && a.end === b.end,
  });
  let el: HTMLElement | undefined;
  let frame = 0;
  const onScroll = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (el) setScrollTop(el.scrollTop);
    });
  };
  const bind = (element: HTMLElement) => {
    el = element;
  };
  onMount(() => {
    if (!el) return;
    const target = el;
    setHeight(target.clientHeight || fallbackHeight);
    const observer = new ResizeObserver(() => setHeight(target.clientHeight || fallbackHeight));
    observer.observe(target);
    onCleanup(() => observer.disconnect());
  });
  onCleanup(() => cancelAnimationFrame(frame));
  /** Scrolls just enough for row `index` to be in view, and renders the window at once (keyboard moves). */
  const scrollTo = (index: number) => {
    const top = index * rowHeight;
    const view = el?.clientHeight || height();
    const next = top < scrollTop() ? top : top + rowHeight > scrollTop() + view ? top + rowHeight - view : scrollTop();
    if (el) el.scrollTop = next;
    setScrollTop(next);
  };
  return { range, bind, onScroll, scrollTop, scrollTo };
};

/**
 * A list that renders only the rows in view (fixed row height), in normal flow between two spacers. Rows are
 * keyed by index and the window moves in chunks, so most scroll steps change nothing in the DOM and the browser
 * just scrolls; a chunk step adds and removes a few rows at the edges.
 */
export const VirtualList = <T,>(props: {
  items: readonly T[];
  rowHeight: number;
  children: (item: () => T, index: number) => JSX.Element;
  label: string;
  class?: string;
  onKeyDown?: (e: KeyboardEvent) => void;
  /** Receives the list's `scrollTo(index)`, e.g. for a keyboard list's `scrollTo`. */
  controls?: (c: { scrollTo(index: number): void }) => void;
}) => {
  const v = createVirtual(() => props.items.length, props.rowHeight);
  props.controls?.({ scrollTo: v.scrollTo });
  const indices = createMemo(() => {
    const { start, end } = v.range();
    return Array.from({ length: end - start }, (_, k) => start + k);
  });
  return (
    <div ref={v.bind} class={`vlist ${props.class ?? ''}`} onScroll={v.onScroll} onKeyDown={(e) => props.onKeyDown?.(e)} tabindex="0" role="list" aria-label={props.label}>
      <div class="vlist-spacer" style={{ height: `${v.range().start * props.rowHeight}px` }} />
      <For each={indices()}>
        {(i) => (
          <div class="vlist-row" style={{ height: `${props.rowHeight}px` }}>
            {props.children(() => props.items[i]!, i)}
          </div>
        )}
      </For>
      <div class="vlist-spacer" style={{ height: `${Math.max(0, props.items.length - v.range().end) * props.rowHeight}px` }} />
    </div>
  );
};
