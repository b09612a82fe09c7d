/**
 * OpenFaaS mode: one function in its own process. `npm run build:functions` bundles, for each definition in
 * the registry, an entry that calls `serveFunction(definition)`. The same mounter and error handler as local
 * mode; secrets come from /var/openfaas/secrets/ (lib/config.ts).
 */
import { serve } from '@hono/node-server';
import { createDeps } from '../compose.ts';
import { loadConfig } from '../config.ts';
import type { AnyFunctionDefinition } from '../http/function-definition.ts';
import { functionApp } from '../http/function-app.ts';
import { mountFunction } from '../http/mount.ts';
import { runProcess } from '../process.ts';
import { bootstrapAdmin } from '../users/bootstrap.ts';

export function serveFunction(definition: AnyFunctionDefinition): void {
  runProcess(definition.name, async ({ log }) => {
    const config = loadConfig(process.env, 'function');
    const composition = await createDeps(config);
    const { deps } = composition;
    // Every replica may try: the first wins, the others find users.write held.
    if (config.adminPassword) {
      await bootstrapAdmin({ users: deps.users, passwords: deps.passwords, username: config.adminUsername, password: config.adminPassword });
    }
    const fn = mountFunction(definition, deps);
    // The provider strips /function/<name>; the watchdog forwards the path as it gets it. Answer both.
    const app = functionApp().route('/', fn).route(`/function/${definition.name}`, fn);
    const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () =>
      log.info('function listening', { function: definition.name, port: config.port }),
    );
    return {
      async stop() {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await composition.close();
      },
    };
  });
}
