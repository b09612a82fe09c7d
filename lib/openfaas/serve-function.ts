/**
 * OpenFaaS mode: one function in its own process, serving the OpenFaaS workload contract itself
 * (lib/openfaas/workload.ts: port 8080, /_/health, /_/ready, /tmp/.lock, exec_timeout, max_inflight, the drain
 * on SIGTERM). `npm run build:functions` bundles, for each definition in the registry, an entry that calls
 * `serveFunction(definition)`. The same mounter and error handler as local mode; secrets come from
 * /var/openfaas/secrets/ (lib/config.ts).
 */
import { getRequestListener } from '@hono/node-server';
import { createDeps } from '../compose.ts';
import { loadConfig } from '../config.ts';
import type { AnyFunctionDefinition } from '../http/function-definition.ts';
import { functionApp } from '../http/function-app.ts';
import { mountFunction } from '../http/mount.ts';
import { runProcess } from '../process.ts';
import { bootstrapAdmin } from '../users/bootstrap.ts';
import { startWorkload, withExecTimeout } from './workload.ts';

export function serveFunction(definition: AnyFunctionDefinition): void {
  // NOTE: read twice (here for the drain deadline, in start for everything else) so that runProcess's deadline
  // covers the workload's own drain; a wrong value fails in start with its message and exit code 2.
  const drainMs = (() => {
    try {
      const { workload } = loadConfig(process.env, 'function');
      return workload.healthcheckIntervalMs + workload.writeTimeoutMs + 1000;
    } catch {
      return undefined;
    }
  })();
  runProcess(definition.name, async ({ log }) => {
    const config = loadConfig(process.env, 'function');
    const composition = await createDeps(config);
    const { deps } = composition;
    // Every replica may try: the first wins, the others find users.write held.
    if (config.adminPassword) {
      await bootstrapAdmin({ users: deps.users, passwords: deps.passwords, username: config.adminUsername, password: config.adminPassword });
    }
    const fn = mountFunction(definition, deps);
    // The provider strips /function/<name>; a caller on the overlay may not. Answer both.
    const app = functionApp().route('/', fn).route(`/function/${definition.name}`, fn);
    const workload = await startWorkload(getRequestListener(withExecTimeout(app.fetch, config.workload.execTimeoutMs)), {
      host: config.host,
      port: config.port,
      maxInflight: config.workload.maxInflight,
      healthcheckIntervalMs: config.workload.healthcheckIntervalMs,
      writeTimeoutMs: config.workload.writeTimeoutMs,
      lockFile: config.workload.lockFile,
    });
    workload.ready();
    log.info('function listening', { function: definition.name, port: workload.port });
    return {
      async stop() {
        await workload.drain();
        await composition.close();
      },
    };
  }, drainMs === undefined ? {} : { drainMs });
}
