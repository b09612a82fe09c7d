/**
 * The MongoDB ApiTokenStore, for the cluster: collection `api_tokens`, keyed by the secret's hash (`_id`, the one
 * unique key FerretDB 1.24 enforces reliably), with the public id and the owner indexed.
 */
import type { Collection } from 'mongodb';
import { openMongo, storeFailures, type MongoConnection } from '../../mongo.ts';
import { LAST_USE_INTERVAL_MS, type ApiToken, type ApiTokenStore } from '../api-tokens.ts';

interface TokenDocument extends ApiToken {
  _id: string;
}

export type MongoApiTokenStoreOptions = MongoConnection;

const { guard, prepare } = storeFailures('token store');

const toToken = ({ _id: _hash, ...t }: TokenDocument): ApiToken => ({
  id: t.id,
  name: t.name,
  owner: t.owner,
  accountId: t.accountId,
  permissions: [...t.permissions],
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  lastUsedAt: t.lastUsedAt ?? null,
});

export async function createMongoApiTokenStore(options: MongoApiTokenStoreOptions): Promise<ApiTokenStore> {
  const { client, db } = openMongo(options);
  const tokens: Collection<TokenDocument> = db.collection<TokenDocument>('api_tokens');
  await prepare(client, async () => {
    await tokens.createIndex({ owner: 1, createdAt: 1 }, { name: 'owner' });
    await tokens.createIndex({ id: 1 }, { name: 'id' });
  });
  return {
    create: (t, hash) => guard(async () => void (await tokens.insertOne({ _id: hash, ...t }))),
    findByHash: (hash) => guard(async () => {
      const doc = await tokens.findOne({ _id: hash });
      return doc ? toToken(doc) : null;
    }),
    list: (owner) => guard(async () => (await tokens.find({ owner }).sort({ createdAt: 1, id: 1 }).toArray()).map(toToken)),
    revoke: (owner, id) => guard(async () => (await tokens.deleteOne({ owner, id })).deletedCount > 0),
    touch: (id, at) => guard(async () => {
      const before = new Date(Date.parse(at) - LAST_USE_INTERVAL_MS).toISOString();
      await tokens.updateOne({ id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lte: before } }] }, { $set: { lastUsedAt: at } });
    }),
    async close() {
      await client.close();
    },
  };
}
