/**
 * Alerts (contract 1.1, "Alerts"): what a rule is, which engine events it fires on, and what a delivery records.
 * The kinds are derived from the Docker events the bus carries (./alert-events.ts); a rule fires for an event
 * of one of its kinds whose stack, service and node match its `match`.
 */
import { createHash } from 'node:crypto';

export const ALERT_KINDS = ['task.failed', 'node.down', 'node.up', 'service.update_paused', 'service.rollback'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertMatch {
  stack?: string;
  service?: string;
  node?: string;
}

export interface AlertRule {
  id: string;
  name: string;
  on: AlertKind[];
  match: AlertMatch;
  /** The secret signs every delivery; it is never shown after creation. */
  webhook: { url: string; secret: string };
  createdAt: string;
  createdBy: string;
}

/** A rule as the API shows it: the webhook without its secret. */
export interface AlertRuleSummary extends Omit<AlertRule, 'webhook'> {
  webhook: { url: string };
}

/** What happened, in the terms a rule matches on; the body of a webhook carries it. */
export interface AlertEvent {
  /** The bus event's id (deterministic), or `test-…` for test-alert-rule. */
  id: string;
  kind: AlertKind;
  /** The engine's time of the event (RFC 3339). */
  time: string;
  stack?: string;
  service?: string;
  /** The node id, and its hostname where the event names it. */
  node?: string;
  nodeName?: string;
  /** What the engine said: exit code, task and container ids, old and new state. */
  detail: Record<string, string>;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  /** Deterministic: one per (rule, event), see deliveryId. */
  id: string;
  ruleId: string;
  event: AlertEvent;
  status: DeliveryStatus;
  attempts: number;
  lastError?: string;
  /** When the delivery was first recorded. */
  time: string;
  /** The last HTTP status the receiver answered. */
  responseStatus?: number;
}

/** One id per (rule, event): the store's unique key, so a redelivered event cannot make a second delivery. */
export const deliveryId = (ruleId: string, eventId: string): string =>
  createHash('sha256').update(JSON.stringify([ruleId, eventId])).digest('hex').slice(0, 32);

export const summarizeRule = ({ webhook, ...rule }: AlertRule): AlertRuleSummary => ({ ...rule, webhook: { url: webhook.url } });

/** `*` stands for any run of characters; everything else is literal. */
const globMatches = (pattern: string, value: string | undefined): boolean => {
  if (value === undefined) return false;
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
};

/**
 * Whether `rule` fires for `event`: the kind is one of `on`, each given `match` field matches (`*` globs; `node`
 * matches the node id or its hostname), and the event is not older than the rule, so a new rule (or a new
 * consumer group reading the topic from its start) does not fire for the past.
 */
export const ruleFires = (rule: Pick<AlertRule, 'on' | 'match' | 'createdAt'>, event: AlertEvent): boolean => {
  if (!rule.on.includes(event.kind)) return false;
  if (Date.parse(event.time) < Date.parse(rule.createdAt)) return false;
  const { stack, service, node } = rule.match;
  if (stack !== undefined && !globMatches(stack, event.stack)) return false;
  if (service !== undefined && !globMatches(service, event.service)) return false;
  if (node !== undefined && !globMatches(node, event.node) && !globMatches(node, event.nodeName)) return false;
  return true;
};
