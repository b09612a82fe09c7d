/** Pure stack logic: which stack a service is in, services grouped by stack, a deploy plan and its rollout. */
import type { StackAction, ServiceSummary } from '../types.ts';
import { progressOf, type Progress } from './services.ts';

/** The label `docker stack deploy` and deploy-stack put on a stack's services (reserved: only the gate sets it). */
export const STACK_LABEL = 'com.docker.stack.namespace';

/** The same rule as the server's stack names (functions/deploy-stack/schema.ts), checked before any call. */
export const STACK_NAME = /^[a-z0-9][a-z0-9_-]{0,29}$/;

export const stackOf = (s: ServiceSummary): string | undefined => s.labels?.[STACK_LABEL] || undefined;

export interface StackGroup {
  /** '' for the services outside any stack. */
  name: string;
  services: ServiceSummary[];
  desired: number;
  running: number;
  converging: boolean;
}

/** Groups by stack, stacks by name and the services without one last; services in a group keep their order. */
export const groupByStack = (services: readonly ServiceSummary[]): StackGroup[] => {
  const groups = new Map<string, StackGroup>();
  for (const s of services) {
    const name = stackOf(s) ?? '';
    let g = groups.get(name);
    if (!g) groups.set(name, (g = { name, services: [], desired: 0, running: 0, converging: false }));
    g.services.push(s);
    g.desired += s.replicas.desired;
    g.running += s.replicas.running;
    g.converging ||= progressOf(s).converging;
  }
  return [...groups.values()].sort((a, b) => (a.name === '' ? 1 : b.name === '' ? -1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
};

/** The stack filter of the services list: '' any, '-' outside any stack, else that stack. */
export const inStack = (s: ServiceSummary, filter: string): boolean =>
  filter === '' || (filter === '-' ? stackOf(s) === undefined : stackOf(s) === filter);

export const stackNames = (services: readonly ServiceSummary[]): string[] =>
  [...new Set(services.map(stackOf).filter((n): n is string => n !== undefined))].sort();

export const countActions = (plan: readonly { action: StackAction }[]): Record<StackAction, number> => {
  const counts: Record<StackAction, number> = { created: 0, updated: 0, unchanged: 0, removed: 0 };
  for (const p of plan) counts[p.action] += 1;
  return counts;
};

export interface RolloutRow {
  name: string;
  action: StackAction;
  /** undefined until the list has the service (a created one shows up with its first event). */
  service?: ServiceSummary;
  progress?: Progress;
  /** Done: removed and gone, or present with every replica running and no update in progress. */
  converged: boolean;
}

/** The live progress of a deploy: each planned service against the current service list. */
export const rollout = (plan: readonly { name: string; action: StackAction }[], services: readonly ServiceSummary[]): RolloutRow[] =>
  plan.map(({ name, action }) => {
    const service = services.find((s) => s.name === name);
    if (action === 'removed') return { name, action, service, converged: service === undefined };
    if (!service) return { name, action, converged: false };
    const progress = progressOf(service);
    return { name, action, service, progress, converged: !progress.converging };
  });

/** Reads an uploaded file as text (the Compose file) or base64 (secret and config data). */
export const toBase64 = (bytes: Uint8Array): string => {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};

export const textToBase64 = (text: string): string => toBase64(new TextEncoder().encode(text));

export const base64ToText = (data: string): string => {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
};

/** `KEY=value` lines (blank lines and `#` comments skipped) into deploy-stack's `env`. */
export const parseEnv = (text: string): { env: Record<string, string>; errors: string[] } => {
  const env: Record<string, string> = {};
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const eq = t.indexOf('=');
    const key = eq === -1 ? t : t.slice(0, eq).trim();
    if (eq === -1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) errors.push(`line ${i + 1}: expected KEY=value`);
    else env[key] = t.slice(eq + 1);
  });
  return { env, errors };
};
