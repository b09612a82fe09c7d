/**
 * The AlertStore port: alert rules, and deliveries as an outbox. Adapters: ./alert-store/embedded.ts (SQLite in
 * DATA_DIR) and ./alert-store/mongo.ts (MongoDB). Both pass ./alert-store.contract.ts.
 *
 * Exactly one delivery per (rule, event): `claimDelivery` inserts under the deterministic id (alert.ts,
 * deliveryId) only when absent, so an event the bus delivers twice, to one worker or to two, makes one delivery.
 * Whoever inserted it holds a lease and sends; a worker that dies mid-send leaves the delivery `pending`, and
 * once the lease ends `takeExpired` hands it to another worker (or the same one, restarted).
 * Adapters throw AppError('store_unavailable') when the backing store does not answer.
 */
import type { AlertRule, Delivery, DeliveryStatus } from './alert.ts';

export interface DeliveryQuery {
  ruleId?: string;
  /** 1–1000. */
  limit: number;
}

export interface DeliveryProgress {
  status: DeliveryStatus;
  attempts: number;
  lastError?: string;
  responseStatus?: number;
  /** Epoch ms until which the owner keeps the lease (ignored once the status is final). */
  leaseUntil: number;
}

export interface AlertStore {
  /** Inserts a rule (ids are random, never reused). */
  createRule(rule: AlertRule): Promise<void>;
  getRule(id: string): Promise<AlertRule | null>;
  /** Every rule, oldest first. */
  listRules(): Promise<AlertRule[]>;
  /** Returns false when there was no such rule. Its deliveries stay, as history. */
  deleteRule(id: string): Promise<boolean>;

  /**
   * Inserts `delivery` (status `pending`) leased to `owner` until `leaseUntil`, unless one with its id exists.
   * Returns true when this call inserted it: the caller then sends it.
   */
  claimDelivery(delivery: Delivery, owner: string, leaseUntil: number): Promise<boolean>;
  /**
   * Records progress of a delivery `owner` holds. Returns false, changing nothing, when the delivery is no
   * longer `owner`'s or no longer pending (its lease ended and another worker took it over).
   */
  recordDelivery(id: string, owner: string, progress: DeliveryProgress): Promise<boolean>;
  /** Pending deliveries whose lease ended before `now`, now leased to `owner` until `leaseUntil`; at most `limit`. */
  takeExpired(owner: string, now: number, leaseUntil: number, limit: number): Promise<Delivery[]>;
  /** Newest first (by time, then id). */
  listDeliveries(query: DeliveryQuery): Promise<Delivery[]>;
  close(): Promise<void>;
}
