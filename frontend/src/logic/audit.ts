/**
 * The audit view's logic: what an audited write changed (a diff of its `before` and `after`, as the server
 * redacted them) and how the rollouts it started ended (its `service.outcome` records).
 */
import type { Event } from '../types.ts';

export interface DiffLine {
  /** Dotted path into the spec, e.g. `TaskTemplate.ContainerSpec.Image`, `…Env.TOKEN`, `Ports[0].PublishedPort`. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
}

export interface AuditOutcome {
  service: string;
  outcome: string;
  state?: string;
  message?: string;
  time: string;
}

/** The audit action of an outcome record (lib/events/rollout.ts). */
export const OUTCOME_ACTION = 'service.outcome';

// The server's redaction marks (lib/events/audit.ts).
const UNCHANGED = '(unchanged)';
const CHANGED = '(changed)';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEnvList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string' && /^[^=]+=/.test(x));
const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

const envMap = (list: readonly string[]): Map<string, string> => new Map(list.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

function walk(path: string, before: unknown, after: unknown, out: DiffLine[]): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) return void out.push({ path, kind: 'added', after: show(after) });
  if (after === undefined) return void out.push({ path, kind: 'removed', before: show(before) });
  // Environments are lists of K=V: compared by name, with the server's marks saying what changed.
  if (isEnvList(before) && isEnvList(after)) {
    const b = envMap(before);
    const a = envMap(after);
    for (const [k, v] of a) {
      if (v === UNCHANGED) continue;
      if (!b.has(k)) out.push({ path: `${path}.${k}`, kind: 'added', after: v });
      else if (v === CHANGED || v !== b.get(k)) out.push({ path: `${path}.${k}`, kind: 'changed', before: b.get(k)!, after: v });
    }
    for (const [k, v] of b) if (!a.has(k)) out.push({ path: `${path}.${k}`, kind: 'removed', before: v });
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) walk(`${path}[${i}]`, before[i], after[i], out);
    return;
  }
  if (isRecord(before) && isRecord(after)) {
    for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) walk(path ? `${path}.${k}` : k, before[k], after[k], out);
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path, kind: 'changed', before: show(before), after: show(after) });
}

/** What changed between two values, leaf by leaf; empty when they are the same. */
export const specDiff = (before: unknown, after: unknown): DiffLine[] => {
  const out: DiffLine[] = [];
  // A create has no before (a delete no after): list the other side leaf by leaf rather than as one blob.
  walk('', before === undefined && isRecord(after) ? {} : before, after === undefined && isRecord(before) ? {} : after, out);
  return out;
};

const parse = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** The diff an audit event records (its `before` and `after` attributes), or null when it records neither. */
export const auditDiff = (e: Event): DiffLine[] | null => {
  const a = e.actor?.attributes ?? {};
  if (a.before === undefined && a.after === undefined) return null;
  return specDiff(parse(a.before), parse(a.after));
};

/** The outcomes recorded for audit entry `audit` among `events`, one per service (the latest record wins). */
export const outcomesOf = (audit: Event, events: readonly Event[]): AuditOutcome[] => {
  const byService = new Map<string, AuditOutcome>();
  for (const e of events) {
    const a = e.actor?.attributes ?? {};
    if (e.type !== 'audit' || e.action !== OUTCOME_ACTION || a.audit !== audit.id) continue;
    const service = a.service || a['target.id'] || '';
    byService.set(service, {
      service,
      outcome: a.outcome ?? 'unknown',
      time: e.time,
      ...(a.state ? { state: a.state } : {}),
      ...(a.message ? { message: a.message } : {}),
    });
  }
  return [...byService.values()].sort((x, y) => x.service.localeCompare(y.service));
};

const LABELS: Record<string, string> = {
  completed: 'completed',
  paused: 'paused',
  rolled_back: 'rolled back',
  rollback_paused: 'rollback paused',
  removed: 'service removed',
  superseded: 'superseded by a later change',
  past_deadline: 'still running after its deadline',
};

/** Words for an outcome, and whether it is a good one (for the chip's colour). */
export const describeOutcome = (outcome: string): { label: string; ok: boolean } => ({
  label: LABELS[outcome] ?? outcome,
  ok: outcome === 'completed',
});

/** Whether an audit entry started rollouts whose outcomes the tracker records. */
export const startedRollouts = (e: Event): boolean => e.type === 'audit' && (e.actor?.attributes?.rollouts ?? '[]') !== '[]';
