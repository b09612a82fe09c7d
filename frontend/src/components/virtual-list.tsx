import { createMemo, createSignal, Index, onCleanup, onMount, type JSX } from 'solid-js';
import { visibleRange } from '../logic/virtual.ts';

/**
 * A list that renders only the rows in view (fixed row height). Rows are reused through <Index>, so a scroll
 * step only rewrites the text of the rows that changed.
 */
export const VirtualList = <T,>(props: {
  items: readonly T[];
  rowHeight: number;
  children: (item: () => T, index: number) => JSX.Element;
  label: string;
  class?: string;
}) => {
  let viewport!: HTMLDivElement;
  const [scrollTop, setScrollTop] = createSignal(0);
  const [height, setHeight] = createSignal(600);
  const range = createMemo(() => visibleRange(scrollTop(), height(), props.rowHeight, props.items.length));
  const slice = createMemo(() => props.items.slice(range().start, range().end));
  onMount(() => {
    setHeight(viewport.clientHeight || 600);
    const observer = new ResizeObserver(() => setHeight(viewport.clientHeight || 600));
    observer.observe(viewport);
    onCleanup(() => observer.disconnect());
  });
  let frame = 0;
  const onScroll = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      setScrollTop(viewport.scrollTop);
    });
  };
  return (
    <div ref={viewport} class={`vlist ${props.class ?? ''}`} onScroll={onScroll} tabindex="0" role="list" aria-label={props.label}>
      <div class="vlist-spacer" style={{ height: `${props.items.length * props.rowHeight}px` }}>
        <div class="vlist-window" style={{ transform: `translateY(${range().start * props.rowHeight}px)` }}>
          <Index each={slice()}>{(item, i) => props.children(item, range().start + i)}</Index>
        </div>
      </div>
    </div>
  );
};
