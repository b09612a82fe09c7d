import { createSignal } from 'solid-js';
import type { ApiError } from '../api.ts';
import type { AppContext } from '../context.ts';
import type { ObjectKind, ObjectListing } from '../types.ts';

export type SecretsStore = ReturnType<typeof createSecretsStore>;

/** What the page shows about the last action that failed, with the object it was about. */
export interface ObjectProblem {
  kind: ObjectKind;
  name: string;
  action: 'create' | 'rotate' | 'delete' | 'inspect';
  error: ApiError;
  /** For 409 `in_use`: the services that still refer to the object. */
  services?: string[];
}

/**
 * The Secrets and configs page. Lists carry names, versions, labels and users, never data: only a config's data
 * can be read back (inspect-config). Data goes out base64; actions reload the lists, since a rotation moves
 * services to the new version.
 */
export const createSecretsStore = (ctx: AppContext) => {
  const [secrets, setSecrets] = createSignal<ObjectListing[]>([]);
  const [configs, setConfigs] = createSignal<ObjectListing[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [problem, setProblem] = createSignal<ObjectProblem | null>(null);
  const [shown, setShown] = createSignal<{ name: string; version: number; data: string } | null>(null);

  const set = (kind: ObjectKind, list: ObjectListing[]) => (kind === 'secret' ? setSecrets(list) : setConfigs(list));

  const reload = async (kind: ObjectKind) => set(kind, await ctx.api.listObjects(kind, { quiet: true }));

  const attempt = async <T>(kind: ObjectKind, name: string, action: ObjectProblem['action'], run: () => Promise<T>): Promise<T | undefined> => {
    setProblem(null);
    try {
      return await run();
    } catch (e) {
      const error = e as ApiError;
      const services = error.code === 'in_use' ? (error.details as { services?: string[] } | undefined)?.services : undefined;
      setProblem({ kind, name, action, error, ...(services ? { services } : {}) });
      return undefined;
    }
  };

  return {
    secrets,
    configs,
    loaded,
    error,
    problem,
    shown,
    clearProblem: () => setProblem(null),
    hide: () => setShown(null),
    async load() {
      // NOTE: a user may read one kind and not the other; each list fails on its own.
      const results = await Promise.allSettled([reload('secret'), reload('config')]);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      setError(failed.length === 0 ? null : failed.map((f) => (f.reason as Error).message).join('; '));
      setLoaded(true);
    },
    async create(kind: ObjectKind, name: string, data: string, labels?: Record<string, string>) {
      const done = await attempt(kind, name, 'create', () => ctx.api.createObject(kind, { name, data, ...(labels && Object.keys(labels).length > 0 ? { labels } : {}) }, { quiet: true }));
      if (done) {
        ctx.toasts.success(`${kind === 'secret' ? 'Secret' : 'Config'} ${name} created`);
        await reload(kind).catch(() => {});
      }
      return done !== undefined;
    },
    async rotate(kind: ObjectKind, name: string, data: string) {
      const done = await attempt(kind, name, 'rotate', () => ctx.api.rotateObject(kind, name, data, { quiet: true }));
      if (done) {
        ctx.toasts.success(`${name} is now version ${done.version}${done.services.length > 0 ? `; ${done.services.length} service(s) moved to it` : ''}`);
        await reload(kind).catch(() => {});
      }
      return done !== undefined;
    },
    async remove(kind: ObjectKind, name: string) {
      const done = await attempt(kind, name, 'delete', async () => (await ctx.api.deleteObject(kind, name, { quiet: true }), true));
      if (done) {
        set(kind, (kind === 'secret' ? secrets() : configs()).filter((o) => o.name !== name));
        if (shown()?.name === name) setShown(null);
      }
      return done === true;
    },
    async inspectConfig(name: string) {
      const c = await attempt('config', name, 'inspect', () => ctx.api.inspectConfig(name, { quiet: true }));
      if (c) setShown({ name: c.name, version: c.version, data: c.data });
    },
  };
};
