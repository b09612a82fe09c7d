/**
 * OpenFaaS mode: one function in its own process, a Hono server on 127.0.0.1:3000 behind the watchdog.
 * The same factory and error handler as local mode; secrets come from /var/openfaas/secrets/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createDeps } from '../lib/compose.ts';
import { loadConfig, OPENFAAS_SECRETS_DIR } from '../lib/config.ts';
import type { Deps } from '../lib/deps.ts';
import { functionApp } from '../lib/http/function-app.ts';
import { bootstrapAdmin } from '../lib/users/bootstrap.ts';

/** Settings a secret file may carry, read into the environment before the config is loaded. */
const SECRET_SETTINGS: Record<string, string> = {
  'mongo-url': 'MONGO_URL',
  'admin-password': 'ADMIN_PASSWORD',
};

export async function serveFunction(name: string, create: (deps: Deps) => Hono<any>): Promise<void> {
  for (const [file, variable] of Object.entries(SECRET_SETTINGS)) {
    const path = join(OPENFAAS_SECRETS_DIR, file);
    if (!process.env[variable] && existsSync(path)) process.env[variable] = readFileSync(path, 'utf8').trim();
  }
  // NOTE: behind the gateway every request comes from the watchdog on loopback; the client is in X-Forwarded-For.
  process.env['TRUST_PROXY'] ??= 'true';
  process.env['DATA_DIR'] ??= '/tmp/data';
  const config = loadConfig();
  const composition = await createDeps(config);
  const { deps } = composition;
  // Every replica may try: the first wins, the others find users.write held.
  if (config.adminPassword) {
    await bootstrapAdmin({ users: deps.users, passwords: deps.passwords, username: config.adminUsername, password: config.adminPassword });
  } else {
    console.log(JSON.stringify({ level: 'warn', msg: 'no admin-password secret: the administrator is not bootstrapped by this function' }));
  }
  const fn = create(deps);
  // The provider strips /function/<name>; the watchdog forwards the path as it gets it. Answer both.
  const app = functionApp().route('/', fn).route(`/function/${name}`, fn);
  const port = Number(process.env['http_port'] ?? 3000);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () =>
    console.log(JSON.stringify({ level: 'info', msg: 'function listening', function: name, port })),
  );
  const stop = () => server.close(() => void composition.close().finally(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
