/**
 * The app context and its store registry. Every store factory has one signature, `(ctx: AppContext) => S`,
 * and `useStore(factory)` creates each store once, under the app's root, so it outlives the page that asked.
 */
import { createContext, createRoot, runWithOwner, useContext, type Accessor, type Owner } from 'solid-js';
import type { Api } from './api.ts';
import type { Live } from './live.ts';
import type { SessionStore } from './stores/session.ts';
import type { ToastStore } from './stores/toasts.ts';

export interface AppContext {
  api: Api;
  live: Live;
  toasts: ToastStore;
  session: SessionStore;
  /** A clock that ticks every few seconds, for "x s ago" labels. */
  now: Accessor<number>;
  stores: Map<StoreFactory<unknown>, unknown>;
  owner: Owner | null;
  /** Disposes every store (their subscriptions and timers) and forgets them, e.g. when the user signs out. */
  resetStores?: () => void;
}

export type StoreFactory<S> = (ctx: AppContext) => S;

export const AppCtx = createContext<AppContext>();

export const useApp = (): AppContext => {
  const ctx = useContext(AppCtx);
  if (!ctx) throw new Error('useApp outside <AppCtx.Provider>');
  return ctx;
};

const disposers = new WeakMap<AppContext, (() => void)[]>();

export const storeOf = <S>(ctx: AppContext, factory: StoreFactory<S>): S => {
  if (!ctx.stores.has(factory)) {
    const create = () =>
      createRoot((dispose) => {
        disposers.set(ctx, [...(disposers.get(ctx) ?? []), dispose]);
        return factory(ctx);
      });
    ctx.stores.set(factory, ctx.owner ? runWithOwner(ctx.owner, create) : create());
  }
  return ctx.stores.get(factory) as S;
};

/** Disposes the stores created by storeOf (their onCleanup runs) and empties the registry. */
export const disposeStores = (ctx: AppContext): void => {
  for (const dispose of disposers.get(ctx) ?? []) dispose();
  disposers.delete(ctx);
  ctx.stores.clear();
};

export const useStore = <S>(factory: StoreFactory<S>): S => storeOf(useApp(), factory);


/**
 * A store owned by the calling page instead of the app: its subscriptions and timers run only while the
 * page is shown and end when it unmounts (on sign-out too, when the Guard hides it); each visit starts afresh.
 */
export const usePageStore = <S>(factory: StoreFactory<S>): S => factory(useApp());
