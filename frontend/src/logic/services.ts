/** Pure services-table logic: search, filters, sort, and the rollout progress of a service. */
import type { PortSummary, ServiceSummary } from '../types.ts';

export type ServiceSortKey = 'name' | 'image' | 'mode' | 'replicas' | 'updatedAt';

export interface ServiceQuery {
  search?: string;
  mode?: '' | 'replicated' | 'global';
  /** '' all, 'converging' not at desired or mid-update, 'healthy' at desired, 'stopped' desired 0. */
  state?: '' | 'converging' | 'healthy' | 'stopped';
  sort?: ServiceSortKey;
  descending?: boolean;
  /** '' any, '-' outside any stack, else that stack's name. */
  stack?: string;
  /** Rows of a stack together (stacks by name, services outside any last); the sort applies within each. */
  groupByStack?: boolean;
}

/** Read here rather than from logic/stacks.ts, which builds on this module. */
const stackLabel = (s: ServiceSummary): string => s.labels?.['com.docker.stack.namespace'] ?? '';

const UPDATING = new Set(['updating', 'rollback_started']);
const PAUSED = new Set(['paused', 'rollback_paused']);

export interface Progress {
  /** 0..1 of running over desired. */
  ratio: number;
  converging: boolean;
  /** 'ok' | 'progress' | 'paused' | 'rollback' | 'failed' for the bar's colour. */
  tone: 'ok' | 'progress' | 'paused' | 'rollback' | 'failed';
  label: string;
}

export const progressOf = (s: ServiceSummary): Progress => {
  const { desired, running } = s.replicas;
  const ratio = desired > 0 ? Math.min(1, running / desired) : running === 0 ? 1 : 0;
  const update = s.updateStatus?.state;
  const updating = update !== undefined && UPDATING.has(update);
  const converging = running !== desired || updating;
  let tone: Progress['tone'] = converging ? 'progress' : 'ok';
  if (update && PAUSED.has(update)) tone = 'paused';
  else if (update?.startsWith('rollback')) tone = update === 'rollback_completed' && !converging ? 'ok' : 'rollback';
  const label = `${running}/${desired}${update ? ` · ${update.replace(/_/g, ' ')}` : ''}`;
  return { ratio, converging: converging || tone === 'paused', tone, label };
};

export const formatPorts = (ports: readonly PortSummary[]): string =>
  ports
    .map((p) => `${p.published ?? '*'}→${p.target}/${p.protocol}${p.mode === 'host' ? ' (host)' : ''}`)
    .join(', ');

const matchesSearch = (s: ServiceSummary, needle: string) =>
  s.name.toLowerCase().includes(needle) ||
  s.image.toLowerCase().includes(needle) ||
  s.id.toLowerCase().startsWith(needle) ||
  Object.entries(s.labels ?? {}).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(needle));

const compare: Record<ServiceSortKey, (a: ServiceSummary, b: ServiceSummary) => number> = {
  name: (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  image: (a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0),
  mode: (a, b) => (a.mode < b.mode ? -1 : a.mode > b.mode ? 1 : 0),
  replicas: (a, b) => a.replicas.running - b.replicas.running || a.replicas.desired - b.replicas.desired,
  updatedAt: (a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : 0),
};

/** Filters and sorts; ties fall back to the name so the order is stable. */
export const queryServices = (services: readonly ServiceSummary[], q: ServiceQuery): ServiceSummary[] => {
  const needle = q.search?.trim().toLowerCase() ?? '';
  const out = services.filter((s) => {
    if (needle && !matchesSearch(s, needle)) return false;
    if (q.mode && s.mode !== q.mode) return false;
    if (q.stack && (q.stack === '-' ? stackLabel(s) !== '' : stackLabel(s) !== q.stack)) return false;
    if (q.state) {
      const p = progressOf(s);
      if (q.state === 'converging' && !p.converging) return false;
      if (q.state === 'healthy' && (p.converging || s.replicas.desired === 0)) return false;
      if (q.state === 'stopped' && s.replicas.desired !== 0) return false;
    }
    return true;
  });
  const key = q.sort ?? 'name';
  const sign = q.descending ? -1 : 1;
  const byStack = (a: ServiceSummary, b: ServiceSummary) => {
    const x = stackLabel(a);
    const y = stackLabel(b);
    return x === y ? 0 : x === '' ? 1 : y === '' ? -1 : x < y ? -1 : 1;
  };
  out.sort((a, b) => (q.groupByStack ? byStack(a, b) : 0) || sign * compare[key](a, b) || compare.name(a, b));
  return out;
};

/** Replaces (or adds) one service by id, returning a new array. */
export const upsertService = (services: readonly ServiceSummary[], next: ServiceSummary): ServiceSummary[] => {
  const i = services.findIndex((s) => s.id === next.id);
  if (i === -1) return [...services, next];
  const copy = services.slice();
  copy[i] = next;
  return copy;
};

export const removeService = (services: readonly ServiceSummary[], idOrName: string): ServiceSummary[] =>
  services.filter((s) => s.id !== idOrName && s.name !== idOrName);

/** Strips the `@sha256:` digest Docker appends to resolved images. */
export const shortImage = (image: string): string => image.replace(/@sha256:[0-9a-f]+$/, '');
