/**
 * Helpers for tests and benchmarks that run against a real swarm: the engine's address, unique service names,
 * convergence waits and clean-up.
 */
import { randomBytes } from 'node:crypto';
import { createDockerSwarm, type DockerSwarmOptions } from '../lib/swarm/docker.ts';
import { toServiceSpec, type ServiceInput } from '../lib/swarm/service-input.ts';
import type { Principal } from '../lib/auth/authenticator.ts';
import { createPolicyGate, type AdmittedService, type AdmittedSpec } from '../lib/swarm/policy-gate.ts';
import type { DockerServiceSpec, NetworkSummary, ServiceDetail, ServiceSummary, Swarm } from '../lib/swarm/swarm.ts';
import { isAppError } from '../lib/errors.ts';

/** The image scripts/swarm-local.sh imports; services from it start without any registry. */
export const TEST_IMAGE = 'local/busybox:1';

/** Options for createDockerSwarm from `DOCKER_HOST` when set, else the default socket. */
export function dockerTestOptions(env: NodeJS.ProcessEnv = process.env): DockerSwarmOptions {
  return env.DOCKER_HOST ? { host: env.DOCKER_HOST } : {};
}

/**
 * A Swarm over the test engine, after checking that it answers and is a swarm manager.
 * Throws a message that says how to start one, so a missing engine fails the suite instead of skipping it.
 */
export async function connectTestSwarm(options: DockerSwarmOptions = dockerTestOptions()): Promise<Swarm> {
  const swarm = createDockerSwarm(options);
  const where = options.host ?? options.socketPath ?? '/var/run/docker.sock';
  try {
    await swarm.ping();
    await swarm.listNodes();
  } catch (error) {
    throw new Error(
      `No Docker swarm manager answered at ${where} (${(error as Error).message}). ` +
        'Run `npm run swarm:local`, or set DOCKER_HOST to a swarm manager.',
    );
  }
  return swarm;
}

/** A fresh name prefix such as `it-swarm-k3f9a1-`, so that parallel runs never touch each other's services. */
export function uniquePrefix(base = 'it-swarm-'): string {
  return `${base}${randomBytes(3).toString('hex')}-`;
}

/**
 * The label every test puts on the services it creates, valued with its suite (`it-swarm`, `contract`…), so a
 * later run of that suite can sweep what a killed run left behind (sweepTestServices).
 */
export const TEST_LABEL = 'test.swarm-dashboard';

/** The suite of a name made with uniquePrefix: `it-swarm-k3f9a1-web` → `it-swarm`. */
export const suiteOfName = (name: string): string => /^(.+?)-[0-9a-f]{6}-/.exec(name)?.[1] ?? 'unnamed';

/** `labels` with the test label for `suite` added. */
export const testLabels = (suite: string, labels: Record<string, string> = {}): Record<string, string> => ({ ...labels, [TEST_LABEL]: suite });

/**
 * The spec of a small test service: TEST_IMAGE running `sleep 3600` (or `input.command`), one replica, and a
 * 1 s stop grace period, because `sh`/`sleep` as PID 1 ignore SIGTERM and would otherwise take 10 s to stop.
 * It carries TEST_LABEL with `suite` (by default the suite part of a uniquePrefix name).
 */
export function testServiceSpec(input: Partial<ServiceInput> & { name: string }, suite = suiteOfName(input.name)): DockerServiceSpec {
  const labels = testLabels(suite, input.labels);
  const spec = toServiceSpec({ image: TEST_IMAGE, command: ['sleep', '3600'], ...input, labels }) as {
    TaskTemplate: { ContainerSpec: Record<string, unknown> };
  };
  spec.TaskTemplate.ContainerSpec.StopGracePeriod = 1_000_000_000;
  return spec as unknown as DockerServiceSpec;
}

// Tests that drive the adapter directly act as an operator holding services.privileged: the gate admits
// their specs unjudged, exactly as it does for such a user.
const operator: Principal = { username: 'test-operator', permissions: ['services.read', 'services.write', 'services.privileged'] };
const operatorGate = createPolicyGate({ listNetworks: async () => [], inspectVolume: async () => null });

/** `spec`, admitted for an operator with services.privileged. */
export const admitted = (spec: DockerServiceSpec): Promise<AdmittedSpec> => operatorGate.admitSpec(operator, spec);

/** The service `id` (at `version`), admitted for removal by an operator with services.privileged. */
export const admittedService = (id: string, version = 0): Promise<AdmittedService> =>
  operatorGate.admitService(operator, { service: { id, version, name: id, labels: {}, spec: {} }, tasks: [] } as unknown as ServiceDetail);

/** Polls `probe` until it returns something other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 20_000, intervalMs = 200 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Runs `work` over `items` with at most `concurrency` at a time; results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/**
 * Removes the services a run of `suite` left behind: those carrying TEST_LABEL=`suite` created more than
 * `olderThanMs` ago (default 5 minutes, so a run of the same suite going on beside this one keeps its own).
 * Call it when a suite starts. Returns the names removed.
 */
/** Removes `doomed`, ignoring those already gone; answers their names. */
async function removeAll(swarm: Swarm, doomed: readonly ServiceSummary[], concurrency: number): Promise<string[]> {
  await mapConcurrent(doomed, concurrency, async (s) => {
    try {
      await swarm.removeService(await admittedService(s.id, s.version));
    } catch (error) {
      if ((error as { code?: string }).code !== 'not_found') throw error;
    }
  });
  return doomed.map((s) => s.name);
}

/** The AppError code a promise fails with: 'no error' when it succeeds, a note when it fails with anything else. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isAppError(error) ? error.code : `not an AppError: ${String(error)}`;
  }
  return 'no error';
}

export async function sweepTestServices(
  swarm: Swarm,
  suite: string,
  { olderThanMs = 5 * 60_000, concurrency = 8 }: { olderThanMs?: number; concurrency?: number } = {},
): Promise<string[]> {
  const cutoff = Date.now() - olderThanMs;
  const doomed = (await swarm.listServices()).filter((s) => s.labels[TEST_LABEL] === suite && Date.parse(s.createdAt) <= cutoff);
  return removeAll(swarm, doomed, concurrency);
}

/**
 * Removes every service whose name starts with `prefix` (and, with `olderThanMs`, was created that long ago),
 * ignoring those already gone. Returns the names removed.
 */
export async function removeServicesByPrefix(
  swarm: Swarm,
  prefix: string,
  { olderThanMs, concurrency = 8 }: { olderThanMs?: number; concurrency?: number } = {},
): Promise<string[]> {
  const cutoff = olderThanMs === undefined ? Infinity : Date.now() - olderThanMs;
  const doomed = (await swarm.listServices()).filter((s) => s.name.startsWith(prefix) && Date.parse(s.createdAt) <= cutoff);
  return removeAll(swarm, doomed, concurrency);
}

/**
 * `swarm.listNetworks()` once the network `id` has its driver: a manager reports an overlay's driver only after
 * its allocator has run, a moment after the create.
 */
export async function networksOnceAllocated(swarm: Pick<Swarm, 'listNetworks'>, id: string): Promise<NetworkSummary[]> {
  return waitFor(`network ${id} to be allocated`, async () => {
    const networks = await swarm.listNetworks();
    return networks.some((n) => n.id === id && n.driver !== '') ? networks : undefined;
  }, { timeoutMs: 10_000, intervalMs: 100 });
}
