import { For, Show, type Accessor, type JSX } from 'solid-js';

/** A list page's head: its title and a Refresh button. */
export const PageHead = (props: { title: string; onRefresh: () => void }) => (
  <div class="page-head">
    <h1>{props.title}</h1>
    <button type="button" class="secondary" onClick={() => props.onRefresh()}>
      Refresh
    </button>
  </div>
);

/** The column of a row's buttons: no visible title, but screen readers name it. */
export const ActionsHead = () => (
  <th scope="col">
    <span class="sr-only">Actions</span>
  </th>
);

/** A row's button that opens the confirmation of a removal: the same look on every list. */
export const RowDangerButton = (props: { label: string; onClick: () => void; disabled?: boolean; title?: string; testid?: string }) => (
  <button type="button" class="danger small" disabled={props.disabled} title={props.title} data-testid={props.testid} onClick={() => props.onClick()}>
    {props.label}
  </button>
);

/** One `<th scope="col">` a name, and the actions column after them when `actions` is set. */
export const ColumnHeads = (props: { names: readonly string[]; actions?: boolean }) => (
  <>
    <For each={props.names}>{(name) => <th scope="col">{name}</th>}</For>
    <Show when={props.actions}>
      <ActionsHead />
    </Show>
  </>
);

/**
 * A list as a table: the header cells given, a row a item, and while there is none one row across every column
 * that says "Loading…" until the list is loaded, then `empty`.
 */
export function DataTable<T>(props: {
  testid?: string;
  class?: string;
  onKeyDown?: JSX.EventHandlerUnion<HTMLTableElement, KeyboardEvent>;
  caption?: JSX.Element;
  /** The header cells (`<ColumnHeads>` for plain titles). */
  head: JSX.Element;
  /** How many columns the placeholder row spans. */
  columns: number;
  each: readonly T[] | undefined;
  loaded: boolean;
  empty: string;
  children: (item: T, index: Accessor<number>) => JSX.Element;
}) {
  return (
    <div class="table-wrap">
      <table class={props.class} data-testid={props.testid} onKeyDown={props.onKeyDown}>
        {props.caption}
        <thead>
          <tr>{props.head}</tr>
        </thead>
        <tbody>
          <For
            each={props.each}
            fallback={
              <tr>
                <td colspan={props.columns} class="muted">
                  {props.loaded ? props.empty : 'Loading…'}
                </td>
              </tr>
            }
          >
            {props.children}
          </For>
        </tbody>
      </table>
    </div>
  );
}
