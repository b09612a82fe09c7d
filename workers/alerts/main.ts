/**
 * The alerts worker (replicated; instances share the `alerts` group): Kafka → rules → signed webhooks, with rules
 * and deliveries in MongoDB. Settings (KAFKA_BROKERS and MONGO_URL or MONGO_URL_FILE required, KAFKA_TOPIC,
 * EVENTS_GROUP, ALERT_*) are read by lib/config.ts. On SIGTERM it leaves the group, lets the attempts under way
 * finish, hands the rest of its deliveries back (their leases end at once) and disconnects.
 */
import { createWorkerDeps } from '../../lib/compose.ts';
import { loadWorkerConfig } from '../../lib/config.ts';
import { connectWithRetry, errorText, runProcess } from '../../lib/process.ts';
import { runAlertsWorker } from './run.ts';

runProcess('alerts', async ({ log, signal }) => {
  const config = loadWorkerConfig(process.env, 'alerts');
  const onError = (e: unknown) => log.error('error', { error: errorText(e) });
  const workers = await connectWithRetry('Kafka and MongoDB', () => createWorkerDeps(config, onError), signal, log);
  if (!workers?.alerts) return { stop: async () => void (await workers?.close()) };
  log.info('evaluating alert rules', { allowPrivate: workers.alerts.webhooks.settings.allowPrivate });
  const done = runAlertsWorker({
    bus: workers.bus,
    store: workers.alerts.store,
    webhooks: workers.alerts.webhooks,
    signal,
    ...(config.group ? { group: config.group } : {}),
    onError,
    onSettled: (d) => log.info('delivery', { id: d.id, rule: d.ruleId, event: d.event.id, kind: d.event.kind, status: d.status, attempts: d.attempts, ...(d.lastError ? { lastError: d.lastError } : {}) }),
  });
  return {
    done,
    async stop() {
      await done;
      await workers.close();
    },
  };
}, { drainMs: 15_000 });
