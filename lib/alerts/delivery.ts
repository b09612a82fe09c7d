/**
 * Sending a claimed delivery: signed POSTs, retried with exponential backoff (backoffMs, doubling, at most 5 min)
 * up to `attempts`, each attempt recorded (status, attempts, lastError) under the sender's lease. The lease
 * covers the next attempt and the wait before it, so a sender that dies leaves a delivery another worker takes
 * over soon after (AlertStore.takeExpired); a sender that loses its lease stops.
 */
import type { AlertEvent, AlertRule, Delivery } from './alert.ts';
import type { AlertStore } from './alert-store.ts';
import type { WebhookClient } from './webhook.ts';

export interface DeliveryContext {
  store: AlertStore;
  webhooks: WebhookClient;
  /** This sender's lease owner id. */
  owner: string;
  now?: () => number;
  /** Waits `ms`, or less when the sender stops. */
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /** Attempts for this delivery (test-alert-rule makes one); default the settings'. */
  attempts?: number;
}

/** The JSON a receiver gets; the same bytes on every attempt, so the signature and the ids stay stable. */
export const webhookBody = (delivery: Pick<Delivery, 'id'>, rule: Pick<AlertRule, 'id' | 'name'>, event: AlertEvent): string =>
  JSON.stringify({ delivery: delivery.id, rule: { id: rule.id, name: rule.name }, event });

const LEASE_MARGIN_MS = 2000;
const MAX_BACKOFF_MS = 300_000;

const sleepUnless = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** The wait after attempt `n` (1-based) failed. */
export const backoffAfter = (n: number, backoffMs: number): number => Math.min(backoffMs * 2 ** (n - 1), MAX_BACKOFF_MS);

/** How long a lease must run to cover one attempt (and `wait` before it). */
export const leaseFor = (webhooks: WebhookClient, wait = 0): number => wait + webhooks.settings.timeoutMs + LEASE_MARGIN_MS;

/**
 * Sends `delivery` (already claimed by `ctx.owner`) until it is delivered, fails for good, or the lease is lost.
 * Resolves with the delivery as last recorded. `rule` null (deleted meanwhile) fails it without sending.
 */
export async function sendDelivery(ctx: DeliveryContext, delivery: Delivery, rule: AlertRule | null): Promise<Delivery> {
  const { store, webhooks, owner } = ctx;
  const now = ctx.now ?? Date.now;
  const sleep = ctx.sleep ?? ((ms: number) => sleepUnless(ms, ctx.signal));
  const max = ctx.attempts ?? webhooks.settings.attempts;
  let current = delivery;
  if (!rule) {
    const progress = { status: 'failed' as const, attempts: current.attempts, lastError: 'the rule was deleted', leaseUntil: 0 };
    await store.recordDelivery(current.id, owner, progress);
    return { ...current, ...{ status: progress.status, lastError: progress.lastError } };
  }
  const body = webhookBody(current, rule, current.event);
  while (!ctx.signal?.aborted) {
    const answer = await webhooks.post(rule.webhook.url, body, rule.webhook.secret, {
      'x-dashboard-delivery': current.id,
      'x-dashboard-event': current.event.kind,
    });
    const attempts = current.attempts + 1;
    const status = answer.ok ? 'delivered' : !answer.retryable || attempts >= max ? 'failed' : 'pending';
    const wait = status === 'pending' ? backoffAfter(attempts, webhooks.settings.backoffMs) : 0;
    const progress = {
      status,
      attempts,
      ...(answer.error !== undefined ? { lastError: answer.error } : {}),
      ...(answer.status !== undefined ? { responseStatus: answer.status } : {}),
      leaseUntil: status === 'pending' ? now() + leaseFor(webhooks, wait) : 0,
    } as const;
    const { leaseUntil: _l, ...shown } = progress;
    const { lastError: _e, responseStatus: _s, ...rest } = current;
    if (!(await store.recordDelivery(current.id, owner, progress))) return current;
    current = { ...rest, ...shown };
    if (status !== 'pending') return current;
    await sleep(wait);
  }
  // Stopped between attempts: end the lease now, so the next worker need not wait for it to run out.
  await store.recordDelivery(current.id, owner, {
    status: 'pending',
    attempts: current.attempts,
    ...(current.lastError !== undefined ? { lastError: current.lastError } : {}),
    ...(current.responseStatus !== undefined ? { responseStatus: current.responseStatus } : {}),
    leaseUntil: 0,
  }).catch(() => false);
  return current;
}
