/**
 * The alerts loop: the bus's `alerts` consumer group → rules → deliveries, until `signal` aborts.
 * For each batch it derives the alert kinds (lib/alerts/alert-events.ts), and for each rule that fires claims the
 * delivery in the store (insert-if-absent on the (rule, event) id) before the batch counts as consumed; only a
 * claim this worker won is sent. The bus delivers at least once, the claim makes it exactly one delivery per rule
 * and event, across restarts and replicas. Sends run beside the consumer (a slow receiver holds no partition);
 * one that dies with its worker is taken over by a sweep once its lease ends.
 */
import { randomUUID } from 'node:crypto';
import { createAlertDeriver } from '../../lib/alerts/alert-events.ts';
import { deliveryId, ruleFires, type AlertRule, type Delivery } from '../../lib/alerts/alert.ts';
import type { AlertStore } from '../../lib/alerts/alert-store.ts';
import { leaseFor, sendDelivery } from '../../lib/alerts/delivery.ts';
import type { WebhookClient } from '../../lib/alerts/webhook.ts';
import type { EventBusClient } from '../../lib/events/event-bus.ts';
import type { Event } from '../../lib/events/event.ts';
import { abortableSleep } from '../abortable-sleep.ts';
import { joinGroup } from '../join-group.ts';

export const ALERTS_GROUP = 'alerts';

export interface AlertsWorkerOptions {
  bus: Pick<EventBusClient, 'consume'>;
  store: AlertStore;
  webhooks: WebhookClient;
  signal: AbortSignal;
  group?: string;
  /** This worker's lease owner id; default random per start. */
  owner?: string;
  /** How often deliveries left by a dead worker are looked for. Default 1000 ms. */
  sweepMs?: number;
  /** Most sends under way at once; the consumer waits beyond. Default 32. */
  maxInFlight?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
  /** Called with each delivery once its sender stopped (delivered, failed, or handed over). */
  onSettled?: (delivery: Delivery) => void;
  /** First delay before joining the group again after a failure; doubles up to 5 s. Default 500 ms. */
  retryMs?: number;
}

/** Runs until `signal` aborts; then leaves the group, lets the sends under way stop, and resolves. */
export const runAlertsWorker = async (options: AlertsWorkerOptions): Promise<void> => {
  const { bus, store, webhooks, signal } = options;
  const owner = options.owner ?? `alerts-${randomUUID()}`;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((e) => console.error('alerts:', e));
  const maxInFlight = options.maxInFlight ?? 32;
  const deriver = createAlertDeriver();
  const inFlight = new Set<Promise<void>>();
  if (signal.aborted) return;

  const send = (delivery: Delivery, rule: AlertRule | null) => {
    const p: Promise<void> = sendDelivery({ store, webhooks, owner, now, signal }, delivery, rule).then(
      (settled) => options.onSettled?.(settled),
      onError,
    ).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const room = async () => {
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
  };

  const handler = async (events: Event[]) => {
    const alerts = events.map((e) => deriver.derive(e)).filter((a) => a !== null);
    if (alerts.length === 0) return;
    let rules: AlertRule[];
    try {
      rules = await store.listRules();
    } catch (e) {
      onError(e);
      throw e;
    }
    for (const event of alerts) {
      for (const rule of rules) {
        if (!ruleFires(rule, event)) continue;
        const delivery: Delivery = { id: deliveryId(rule.id, event.id), ruleId: rule.id, event, status: 'pending', attempts: 0, time: new Date(now()).toISOString() };
        let claimed: boolean;
        try {
          claimed = await store.claimDelivery(delivery, owner, now() + leaseFor(webhooks));
        } catch (e) {
          onError(e);
          throw e;
        }
        if (!claimed) continue;
        await room();
        send(delivery, rule);
      }
    }
  };

  const sweep = async () => {
    while (!signal.aborted) {
      try {
        if (inFlight.size < maxInFlight) {
          const taken = await store.takeExpired(owner, now(), now() + leaseFor(webhooks), maxInFlight - inFlight.size);
          for (const delivery of taken) send(delivery, await store.getRule(delivery.ruleId));
        }
      } catch (e) {
        onError(e);
      }
      await abortableSleep(options.sweepMs ?? 1000, signal);
    }
  };

  const subscription = await joinGroup(bus, options.group ?? ALERTS_GROUP, handler, { signal, retryMs: options.retryMs, onError });
  const swept = sweep();
  await abortableSleep(Number.POSITIVE_INFINITY, signal);
  await subscription?.close();
  await swept;
  await Promise.allSettled([...inFlight]);
};
