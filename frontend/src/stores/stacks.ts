import { createSignal } from 'solid-js';
import { ApiError, type DeployStackRequest, type DeployStackResult } from '../api.ts';
import { storeOf, type AppContext } from '../context.ts';
import { groupByStack, parseEnv, rollout, STACK_NAME, stackOf } from '../logic/stacks.ts';
import { createServicesStore } from './services.ts';

export type StacksStore = ReturnType<typeof createStacksStore>;

export interface DeployDraft {
  name: string;
  compose: string;
  /** `KEY=value` lines for the file's `${VAR}`s. */
  env: string;
  prune: boolean;
}

const emptyDraft = (): DeployDraft => ({ name: '', compose: '', env: '', prune: false });

/**
 * The Stacks page. Stacks are the services store's list grouped by `com.docker.stack.namespace`, so they follow
 * the event stream as the services list does. A deploy is two steps: a dry run (the diff preview) of the draft,
 * then the deploy of exactly that draft; any edit of the draft drops the preview. After a deploy, `rollout` follows
 * each planned service until every one has converged.
 */
export const createStacksStore = (ctx: AppContext) => {
  const services = storeOf(ctx, createServicesStore);
  const [draft, setDraft] = createSignal<DeployDraft>(emptyDraft());
  const [preview, setPreview] = createSignal<{ request: DeployStackRequest; result: DeployStackResult } | null>(null);
  const [problem, setProblem] = createSignal<ApiError | null>(null);
  const [busy, setBusy] = createSignal<'' | 'preview' | 'deploy' | 'load'>('');
  const [deployment, setDeployment] = createSignal<DeployStackResult | null>(null);
  /** One step at a time, shown as busy; its failure becomes the problem shown. */
  const step = async (kind: 'preview' | 'deploy' | 'load', work: () => Promise<void>) => {
    setBusy(kind);
    try {
      await work();
    } catch (e) {
      setProblem(e as ApiError);
    } finally {
      setBusy('');
    }
  };

  // NOTE: plain derivations, not memos: they are cheap, and stay reactive under the server build the unit tests load.
  const stacks = () => groupByStack(services.services()).filter((g) => g.name !== '');
  const progress = () => {
    const d = deployment();
    return d ? rollout(d.services, services.services()) : [];
  };
  const converged = () => deployment() !== null && progress().every((r) => r.converged);

  /** The request the draft makes, or a local validation error (the server checks again). */
  const request = (): DeployStackRequest | ApiError => {
    const d = draft();
    const details: { field: string; message: string }[] = [];
    if (!STACK_NAME.test(d.name)) details.push({ field: 'name', message: 'lower-case letters, digits, "-" and "_", at most 30, starting with a letter or digit' });
    if (d.compose.trim() === '') details.push({ field: 'compose', message: 'paste or upload a Compose file' });
    const { env, errors } = parseEnv(d.env);
    for (const e of errors) details.push({ field: 'env', message: e });
    if (details.length > 0) return new ApiError(400, 'validation_failed', 'Check the highlighted fields', details);
    return { name: d.name, compose: d.compose, ...(Object.keys(env).length > 0 ? { env } : {}), ...(d.prune ? { prune: true } : {}) };
  };

  return {
    services,
    stacks,
    draft,
    preview,
    problem,
    busy,
    deployment,
    progress,
    converged,
    load: () => services.load(),
    edit(change: Partial<DeployDraft>) {
      setDraft((d) => ({ ...d, ...change }));
      setPreview(null);
      setProblem(null);
    },
    reset() {
      setDraft(emptyDraft());
      setPreview(null);
      setProblem(null);
    },
    /** Fills the draft with the file last deployed through the dashboard ('' for `docker stack deploy` stacks). */
    loadStack: (name: string) =>
      step('load', async () => {
        const { compose } = await ctx.api.inspectStack(name, { quiet: true });
        setDraft({ ...emptyDraft(), name, compose });
        setPreview(null);
        setProblem(compose === '' ? new ApiError(404, 'not_found', `The stack ${name} was not deployed through the dashboard: its file is unknown`) : null);
      }),
    /** The dry run: judged by the policy and diffed against what runs; nothing changes. */
    async runPreview() {
      const r = request();
      if (r instanceof ApiError) return void setProblem(r);
      setProblem(null);
      await step('preview', async () => {
        const result = await ctx.api.deployStack({ ...r, dryRun: true }, { quiet: true });
        // NOTE: the draft may have changed while the dry run ran; a preview stands only for what it judged.
        if (JSON.stringify(request()) === JSON.stringify(r)) setPreview({ request: r, result });
      });
    },
    /** Deploys exactly the previewed request, then follows its services. */
    async deploy() {
      const p = preview();
      if (!p) return;
      setProblem(null);
      await step('deploy', async () => {
        const result = await ctx.api.deployStack(p.request, { quiet: true });
        setDeployment(result);
        setPreview(null);
        if (!services.loaded()) await services.load();
        // NOTE: events bring these too; asking at once shows created services without waiting for them.
        for (const s of result.services) if (s.action !== 'unchanged') void services.refreshOne(s.name);
        ctx.toasts.success(`Stack ${result.name} deployed`);
      });
    },
    dismissDeployment: () => setDeployment(null),
    /** remove-stack; the services leave the list at once (their remove events confirm it). */
    async remove(name: string) {
      await ctx.api.removeStack(name);
      for (const s of services.services().filter((x) => stackOf(x) === name)) services.remove(s.id);
      if (deployment()?.name === name) setDeployment(null);
    },
  };
};
