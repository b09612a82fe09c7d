/**
 * Chooses the AlertStore (called by the composition root, lib/compose.ts): MongoDB when MONGO_URL is set (the
 * functions and every alerts worker share it), else SQLite `alerts.db` in DATA_DIR (local mode, one process).
 */
import type { AlertStore } from './alert-store.ts';
import { createEmbeddedAlertStore } from './alert-store/embedded.ts';
import { createMongoAlertStore } from './alert-store/mongo.ts';

export const createAlertStore = async (config: { dataDir: string; mongoUrl: string | undefined }): Promise<AlertStore> =>
  config.mongoUrl ? createMongoAlertStore({ url: config.mongoUrl }) : createEmbeddedAlertStore({ dataDir: config.dataDir });
