/**
 * The MongoDB AlertStore, for the cluster: collections `alert_rules` (the rule id as `_id`) and
 * `alert_deliveries` (the deterministic delivery id as `_id`). The claim is an insert on `_id`, the one unique
 * key FerretDB 1.24 enforces reliably, so concurrent claims of one delivery leave one winner on MongoDB and
 * FerretDB alike. Lease changes are compare-and-set updates (filter on the owner and the lease seen): atomic on
 * MongoDB; FerretDB 1.24 applies an update as a read then a write (see lib/users/user-store/mongo.ts), so two
 * workers taking over one expired lease at the same instant could both win there (docs/api.md, "Alerts").
 */
import type { Collection } from 'mongodb';
import { isDuplicateKey, openMongo, storeFailures, type MongoConnection } from '../../mongo.ts';
import type { AlertRule, Delivery } from '../alert.ts';
import type { AlertStore } from '../alert-store.ts';

interface RuleDocument extends Omit<AlertRule, 'id'> {
  _id: string;
}

interface DeliveryDocument extends Omit<Delivery, 'id'> {
  _id: string;
  owner: string;
  leaseUntil: number;
}

export type MongoAlertStoreOptions = MongoConnection;

const { unavailable, guard, prepare } = storeFailures('alert store');

const toRule = ({ _id, ...rest }: RuleDocument): AlertRule => ({ id: _id, ...rest });

const toDelivery = (doc: DeliveryDocument): Delivery => ({
  id: doc._id,
  ruleId: doc.ruleId,
  event: doc.event,
  status: doc.status,
  attempts: doc.attempts,
  ...(doc.lastError !== undefined && doc.lastError !== null ? { lastError: doc.lastError } : {}),
  time: doc.time,
  ...(doc.responseStatus !== undefined && doc.responseStatus !== null ? { responseStatus: doc.responseStatus } : {}),
});

/** Connects and ensures the indexes; throws AppError('store_unavailable') when no server answers. */
export async function createMongoAlertStore(options: MongoAlertStoreOptions): Promise<AlertStore> {
  const { client, db } = openMongo(options);
  const rules: Collection<RuleDocument> = db.collection<RuleDocument>('alert_rules');
  const deliveries: Collection<DeliveryDocument> = db.collection<DeliveryDocument>('alert_deliveries');
  await prepare(client, async () => {
    await deliveries.createIndex({ time: -1, _id: -1 }, { name: 'time' });
    await deliveries.createIndex({ ruleId: 1, time: -1, _id: -1 }, { name: 'rule_time' });
    await deliveries.createIndex({ status: 1, leaseUntil: 1 }, { name: 'pending' });
    await rules.createIndex({ createdAt: 1, _id: 1 }, { name: 'created' });
  });

  return {
    createRule: ({ id, ...rest }) => guard(async () => void (await rules.insertOne({ _id: id, ...rest }))),
    getRule: (id) => guard(async () => {
      const doc = await rules.findOne({ _id: id });
      return doc ? toRule(doc) : null;
    }),
    listRules: () => guard(async () => (await rules.find().sort({ createdAt: 1, _id: 1 }).toArray()).map(toRule)),
    deleteRule: (id) => guard(async () => (await rules.deleteOne({ _id: id })).deletedCount > 0),

    async claimDelivery(d, owner, leaseUntil) {
      const { id, lastError: _e, responseStatus: _r, ...rest } = d;
      try {
        await deliveries.insertOne({ _id: id, ...rest, status: 'pending', attempts: 0, owner, leaseUntil });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        return unavailable(e);
      }
    },
    recordDelivery: (id, owner, p) => guard(async () => {
      const set: Partial<DeliveryDocument> = { status: p.status, attempts: p.attempts, leaseUntil: p.leaseUntil };
      const unset: Record<string, ''> = {};
      if (p.lastError !== undefined) set.lastError = p.lastError;
      else unset.lastError = '';
      if (p.responseStatus !== undefined) set.responseStatus = p.responseStatus;
      else unset.responseStatus = '';
      const result = await deliveries.updateOne(
        { _id: id, owner, status: 'pending' },
        { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
      );
      return result.matchedCount > 0;
    }),
    takeExpired: (owner, now, leaseUntil, limit) => guard(async () => {
      const candidates = await deliveries.find({ status: 'pending', leaseUntil: { $lt: now } }).sort({ leaseUntil: 1 }).limit(limit).toArray();
      const taken: Delivery[] = [];
      for (const c of candidates) {
        const result = await deliveries.updateOne(
          { _id: c._id, status: 'pending', owner: c.owner, leaseUntil: c.leaseUntil },
          { $set: { owner, leaseUntil } },
        );
        if (result.modifiedCount > 0) taken.push(toDelivery(c));
      }
      return taken;
    }),
    listDeliveries: ({ ruleId, limit }) => guard(async () => {
      const docs = await deliveries.find(ruleId === undefined ? {} : { ruleId }).sort({ time: -1, _id: -1 }).limit(limit).toArray();
      return docs.map(toDelivery);
    }),
    async close() {
      await client.close();
    },
  };
}
