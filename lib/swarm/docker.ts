/**
 * The Swarm port over dockerode's HTTP modem, against the Docker Engine API (1.41 and later).
 * Every answer of the engine is treated as untrusted input: missing or mistyped fields fall back to empty values.
 */
import type { IncomingMessage } from 'node:http';
import Dockerode from 'dockerode';
import { AppError, invalidField } from '../errors.ts';
import { parseTimeBound } from '../events/docker-event.ts';
import { swarmUnavailable, toSwarmError } from './docker-errors.ts';
import { createLogCollector, DEFAULT_LOG_LIMITS, type LogLimits } from './log-stream.ts';
import type {
  DockerServiceSpec,
  LogLine,
  NetworkSummary,
  NodeSummary,
  NodeUpdate,
  PortSummary,
  ServiceDetail,
  NetworkSpec,
  NewSwarmObject,
  ServiceSummary,
  Swarm,
  SwarmObject,
  Task,
  VolumeSummary,
} from './swarm.ts';

export interface DockerSwarmOptions {
  /** A ready client; otherwise one is made from `socketPath` or `host`. */
  docker?: Dockerode;
  /** Default `/var/run/docker.sock`. */
  socketPath?: string;
  /** `unix:///path`, `tcp://host:port` or `http://host:port` (the DOCKER_HOST forms without TLS). */
  host?: string;
  /** Sent as `Authorization: Bearer …`: the restricted API proxy of the stack authenticates its callers. */
  apiToken?: string;
  /** Deadline of each engine call, default 10 s. */
  timeoutMs?: number;
  /** Largest answer read from the engine, default 64 MiB. Service logs are not held, so not bound by it. */
  maxResponseBytes?: number;
  /** What one service-logs answer keeps: line length and total bytes (lib/swarm/log-stream.ts). */
  logLimits?: Partial<Omit<LogLimits, 'tail'>>;
}

type Json = Record<string, unknown>;
type Query = Record<string, string | number | boolean | undefined>;

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  /** Return what was read so far instead of failing when the answer is too large. */
  truncate?: boolean;
  /** Takes the answer's bytes as they arrive, instead of collecting them (the promise then gives nothing);
   *  false stops reading. */
  sink?: (chunk: Buffer) => boolean;
}

interface Modem {
  dial(options: Json, callback: (error: unknown, response: unknown) => void): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const DEFAULT_LOG_TAIL = 1000;
/** Bytes of decoded lines a follow holds for its reader before it stops reading the engine, and resumes at. */
const FOLLOW_HIGH_WATER = 256 * 1024;
const FOLLOW_LOW_WATER = 64 * 1024;
// Ids, names and id prefixes of services and nodes; anything else never reaches a URL path.
const OBJECT_REF = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const record = (v: unknown): Json => (isRecord(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const stringMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(record(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

/** A dockerode client for `host` (DOCKER_HOST forms without TLS) or `socketPath`; timeout 0 for streams. */
export function createDockerClient(options: Pick<DockerSwarmOptions, 'docker' | 'host' | 'socketPath' | 'apiToken'>, timeout: number): Dockerode {
  if (options.docker) return options.docker;
  if (options.host && options.socketPath) throw new Error('createDockerSwarm: give either host or socketPath, not both');
  const headers = options.apiToken ? { headers: { Authorization: `Bearer ${options.apiToken}` } } : {};
  if (!options.host) return new Dockerode({ socketPath: options.socketPath ?? '/var/run/docker.sock', timeout, ...headers });
  const url = new URL(options.host);
  if (url.protocol === 'unix:') return new Dockerode({ socketPath: url.pathname, timeout, ...headers });
  if (url.protocol === 'tcp:' || url.protocol === 'http:') {
    return new Dockerode({ host: url.hostname, port: url.port || 2375, protocol: 'http', timeout, ...headers });
  }
  throw new Error(`createDockerSwarm: unsupported Docker host ${JSON.stringify(options.host)} (use unix://, tcp:// or http://)`);
}

function checkRef(ref: unknown, field: string): string {
  if (typeof ref !== 'string' || !OBJECT_REF.test(ref)) {
    const message = `${field} must be an id or a name`;
    throw invalidField(field, message);
  }
  return ref;
}

function checkVersion(version: unknown): number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    const message = 'version must be a non-negative integer';
    throw invalidField('version', message);
  }
  return version;
}

function toQueryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  return params.toString();
}

function toPorts(service: Json): PortSummary[] {
  const endpoint = record(service.Endpoint);
  const ports = Array.isArray(endpoint.Ports) ? endpoint.Ports : list(record(record(service.Spec).EndpointSpec).Ports);
  return ports.flatMap((p): PortSummary[] => {
    const r = record(p);
    const target = count(r.TargetPort);
    if (target === undefined) return [];
    const protocol = r.Protocol === 'udp' || r.Protocol === 'sctp' ? r.Protocol : 'tcp';
    return [{ published: count(r.PublishedPort) || null, target, protocol, mode: r.PublishMode === 'host' ? 'host' : 'ingress' }];
  });
}

function modeOf(spec: Json): 'replicated' | 'global' {
  const mode = record(spec.Mode);
  return 'Global' in mode || 'GlobalJob' in mode ? 'global' : 'replicated';
}

function toSummary(service: Json, replicas: { desired: number; running: number }): ServiceSummary {
  const spec = record(service.Spec);
  const update = record(service.UpdateStatus);
  return {
    id: text(service.ID),
    name: text(spec.Name),
    image: text(record(record(spec.TaskTemplate).ContainerSpec).Image),
    mode: modeOf(spec),
    replicas,
    ports: toPorts(service),
    labels: stringMap(spec.Labels),
    createdAt: text(service.CreatedAt),
    updatedAt: text(service.UpdatedAt),
    version: count(record(service.Version).Index) ?? 0,
    ...(typeof update.State === 'string' ? { updateStatus: { state: update.State, message: text(update.Message) } } : {}),
  };
}

function toTask(task: Json): Task {
  const status = record(task.Status);
  const error = status.Err;
  return {
    id: text(task.ID),
    slot: count(task.Slot) ?? null,
    nodeId: text(task.NodeID) || null,
    serviceId: text(task.ServiceID),
    state: text(status.State, 'unknown'),
    desiredState: text(task.DesiredState, 'unknown'),
    message: text(status.Message),
    error: typeof error === 'string' && error !== '' ? error : null,
    createdAt: text(task.CreatedAt),
    updatedAt: text(task.UpdatedAt),
  };
}

function toNode(node: Json): NodeSummary {
  const spec = record(node.Spec);
  const description = record(node.Description);
  const status = record(node.Status);
  const manager = record(node.ManagerStatus);
  // NOTE: Status.Addr can read 0.0.0.0 on managers (moby#33465); the manager address then says more.
  let addr = text(status.Addr);
  if ((addr === '' || addr === '0.0.0.0') && typeof manager.Addr === 'string') addr = manager.Addr.replace(/:\d+$/, '');
  return {
    id: text(node.ID),
    hostname: text(description.Hostname),
    role: spec.Role === 'manager' ? 'manager' : 'worker',
    availability: spec.Availability === 'pause' || spec.Availability === 'drain' ? spec.Availability : 'active',
    state: text(status.State, 'unknown'),
    leader: manager.Leader === true,
    addr,
    engineVersion: text(record(description.Engine).EngineVersion),
    labels: stringMap(spec.Labels),
    version: count(record(node.Version).Index) ?? 0,
  };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** RFC 3339 with the fraction padded to 9 digits: the engine trims trailing zeros, which breaks string order. */
const sortableTime = (time: string): string => {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(.*)$/.exec(time);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}` : time;
};

/** A nanosecond count as the engine's `since` takes it: `<seconds>.<nanoseconds>`. */
const engineTimestamp = (ns: bigint): string => `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;

/** Whether a log line's RFC 3339 time is after `ns`; a line whose time cannot be read is kept. */
const isAfter = (time: string, ns: bigint): boolean => {
  try {
    return parseTimeBound(time) > ns;
  } catch {
    return false;
  }
};

const byNewest = (a: Task, b: Task): number => compareText(sortableTime(b.createdAt), sortableTime(a.createdAt));

/**
 * Splits a whole service log answer into lines (lib/swarm/log-stream.ts decodes it; see there for the frame
 * format). The Swarm adapter itself never holds a whole answer: it feeds the collector as bytes arrive.
 */
export function parseServiceLogs(buffer: Buffer, tty: boolean): LogLine[] {
  const collector = createLogCollector(tty, { tail: Number.MAX_SAFE_INTEGER, maxLineBytes: Number.MAX_SAFE_INTEGER, maxTotalBytes: Number.MAX_SAFE_INTEGER });
  collector.push(buffer);
  collector.end();
  return collector.lines();
}

function toSwarmObject(o: Json): SwarmObject {
  const spec = record(o.Spec);
  return {
    id: text(o.ID),
    name: text(spec.Name),
    labels: stringMap(spec.Labels),
    createdAt: text(o.CreatedAt),
    updatedAt: text(o.UpdatedAt),
    version: count(record(o.Version).Index) ?? 0,
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function objectSpec(o: NewSwarmObject): Json {
  if (typeof o.data !== 'string' || o.data.length % 4 !== 0 || !BASE64.test(o.data)) {
    const message = 'data must be base64';
    throw new AppError('validation_failed', message, { details: { issues: [{ path: ['data'], message }] } });
  }
  return { Name: checkRef(o.name, 'name'), Labels: { ...(o.labels ?? {}) }, Data: o.data };
}

/** The Swarm port over a Docker engine that is a swarm manager. Construction does not contact the engine. */
export function createDockerSwarm(options: DockerSwarmOptions = {}): Swarm {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!(timeoutMs > 0)) throw new Error('createDockerSwarm: timeoutMs must be positive');
  const docker = createDockerClient(options, timeoutMs);
  const modem = docker.modem as unknown as Modem;
  const logLimits = { ...DEFAULT_LOG_LIMITS, ...options.logLimits };
  // Follows have their own client, made on first use: the other one's idle timeout would cut a quiet stream.
  let streamModem: Modem | undefined;
  const followModem = (): Modem => (streamModem ??= createDockerClient(options, 0).modem as unknown as Modem);

  function send(call: Call): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const signal = AbortSignal.timeout(timeoutMs);
      const query = toQueryString(call.query);
      const fail = (error: unknown) => reject(toSwarmError(error, timeoutMs));
      try {
        modem.dial(
          {
            path: query ? `${call.path}?${query}` : call.path,
            method: call.method,
            // NOTE: docker-modem appends `_query` to a path holding "?" and sends `_body` as JSON; keeping both
            // explicit stops it from copying the body into the query string.
            options: { _query: {}, ...(call.body !== undefined ? { _body: call.body } : {}) },
            isStream: true,
            abortSignal: signal,
            statusCodes: { 200: true, 201: true, 204: true },
          },
          (error, response) => {
            if (error) return fail(error);
            const res = response as IncomingMessage;
            const chunks: Buffer[] = [];
            let size = 0;
            let done = false;
            const finish = (error?: unknown) => {
              if (done) return;
              done = true;
              signal.removeEventListener('abort', onAbort);
              if (error) fail(error);
              else resolve(call.sink ? Buffer.alloc(0) : Buffer.concat(chunks));
            };
            const onAbort = () => {
              finish(signal.reason);
              res.destroy();
            };
            signal.addEventListener('abort', onAbort);
            res.on('data', (chunk: Buffer) => {
              if (done) return;
              size += chunk.length;
              if (call.sink) {
                // NOTE: no size bound here: what a sink keeps is its own bound, and stopping early would keep
                // the oldest lines of a log rather than the newest. The call's deadline bounds the reading.
                if (call.sink(chunk)) return;
                finish();
                return void res.destroy();
              }
              if (size <= maxBytes) return void chunks.push(chunk);
              if (call.truncate) {
                chunks.push(chunk.subarray(0, chunk.length - (size - maxBytes)));
                finish();
              } else {
                finish(swarmUnavailable(`the Docker engine's answer exceeds ${maxBytes} bytes`));
              }
              res.destroy();
            });
            res.on('end', () => finish());
            res.on('error', (e) => finish(e));
            res.on('close', () => finish(res.complete ? undefined : swarmUnavailable('the Docker engine closed the connection mid-answer')));
          },
        );
      } catch (error) {
        fail(error);
      }
    });
  }

  async function json(call: Call): Promise<unknown> {
    const body = await send(call);
    if (body.length === 0) return null;
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw swarmUnavailable('the Docker engine gave an answer that is not JSON', error);
    }
  }

  async function inspect(kind: 'services' | 'nodes', ref: string): Promise<Json> {
    const found = await json({ method: 'GET', path: `/${kind}/${encodeURIComponent(ref)}` });
    if (!isRecord(found) || typeof found.ID !== 'string') throw swarmUnavailable(`the Docker engine gave an unusable ${kind.slice(0, -1)}`);
    return found;
  }

  async function listTasks(filter: { serviceId?: string; nodeId?: string } = {}): Promise<Task[]> {
    const filters: Record<string, string[]> = {};
    if (filter.serviceId !== undefined) filters.service = [checkRef(filter.serviceId, 'serviceId')];
    if (filter.nodeId !== undefined) filters.node = [checkRef(filter.nodeId, 'nodeId')];
    const tasks = await json({ method: 'GET', path: '/tasks', query: { filters: JSON.stringify(filters) } });
    return list(tasks).filter(isRecord).map(toTask).sort(byNewest);
  }

  async function update(id: string, version: number, spec: DockerServiceSpec, rollback: boolean) {
    const ref = checkRef(id, 'id');
    await json({
      method: 'POST',
      path: `/services/${encodeURIComponent(ref)}/update`,
      query: { version: checkVersion(version), rollback: rollback ? 'previous' : undefined },
      body: spec,
    });
    const updated = await inspect('services', ref);
    return { id: text(updated.ID), version: count(record(updated.Version).Index) ?? 0 };
  }

  // Secrets and configs: the engine gives the two kinds the same endpoints and shapes.
  async function listObjects(kind: 'secrets' | 'configs') {
    const found = await json({ method: 'GET', path: `/${kind}` });
    return list(found).filter(isRecord).map(toSwarmObject).sort((a, b) => compareText(a.name, b.name));
  }

  async function createObject(kind: 'secrets' | 'configs', o: NewSwarmObject) {
    const created = record(await json({ method: 'POST', path: `/${kind}/create`, body: objectSpec(o) }));
    if (typeof created.ID !== 'string') throw swarmUnavailable(`the Docker engine did not return the new ${kind.slice(0, -1)} id`);
    return { id: created.ID, name: o.name };
  }

  async function removeObject(kind: 'secrets' | 'configs', idOrName: string) {
    await send({ method: 'DELETE', path: `/${kind}/${encodeURIComponent(checkRef(idOrName, 'name'))}` });
  }

  return {
    async listServices(filter = {}) {
      if (filter.ids?.length === 0) return [];
      const filters = filter.ids ? JSON.stringify({ id: filter.ids.map((id) => checkRef(id, 'id')) }) : undefined;
      const services = await json({ method: 'GET', path: '/services', query: { status: true, filters } });
      return list(services)
        .filter(isRecord)
        .map((s) => {
          const status = record(s.ServiceStatus);
          const desired = count(status.DesiredTasks) ?? count(record(record(record(s.Spec).Mode).Replicated).Replicas) ?? 0;
          return toSummary(s, { desired, running: count(status.RunningTasks) ?? 0 });
        })
        .sort((a, b) => compareText(a.name, b.name));
    },

    async listServiceSpecs(filter = {}) {
      const filters = filter.label !== undefined ? JSON.stringify({ label: [filter.label] }) : undefined;
      const services = await json({ method: 'GET', path: '/services', query: { filters } });
      return list(services)
        .filter(isRecord)
        .map((s) => ({ id: text(s.ID), name: text(record(s.Spec).Name), version: count(record(s.Version).Index) ?? 0, spec: record(s.Spec) as DockerServiceSpec }))
        .sort((a, b) => compareText(a.name, b.name));
    },

    async inspectService(idOrName) {
      const service = await inspect('services', checkRef(idOrName, 'id'));
      const tasks = await listTasks({ serviceId: text(service.ID) });
      const spec = record(service.Spec);
      const running = tasks.filter((t) => t.state === 'running').length;
      const desired =
        modeOf(spec) === 'global'
          ? tasks.filter((t) => t.desiredState === 'running').length
          : count(record(record(spec.Mode).Replicated).Replicas) ?? 0;
      const summary = toSummary(service, { desired, running });
      const detail: ServiceDetail = {
        service: {
          ...summary,
          spec: spec as DockerServiceSpec,
          ...(isRecord(service.PreviousSpec) ? { previousSpec: service.PreviousSpec as DockerServiceSpec } : {}),
        },
        tasks,
      };
      return detail;
    },

    async createService(spec) {
      const created = record(await json({ method: 'POST', path: '/services/create', body: spec }));
      if (typeof created.ID !== 'string') throw swarmUnavailable('the Docker engine did not return the new service id');
      return { id: created.ID, name: text(spec.Name) };
    },

    async updateService(id, version, spec) {
      return update(id, version, spec, false);
    },

    // NOTE: with rollback=previous the engine ignores the body and restores PreviousSpec; the admitted previous
    // spec is sent anyway, so what the engine is asked to run is always a judged spec.
    async rollbackService(id, version, previous) {
      return update(id, version, previous, true);
    },

    async removeService(service) {
      await send({ method: 'DELETE', path: `/services/${encodeURIComponent(checkRef(service.id, 'id'))}` });
    },

    async serviceLogs(id, logOptions) {
      const service = await inspect('services', checkRef(id, 'id'));
      const tty = record(record(record(service.Spec).TaskTemplate).ContainerSpec).TTY === true;
      const tail = logOptions.tail === undefined ? DEFAULT_LOG_TAIL : Math.max(0, Math.floor(logOptions.tail));
      const collector = createLogCollector(tty, { ...DEFAULT_LOG_LIMITS, ...options.logLimits, tail });
      await send({
        method: 'GET',
        path: `/services/${encodeURIComponent(text(service.ID))}/logs`,
        query: {
          stdout: true,
          stderr: true,
          timestamps: true,
          details: true,
          tail,
          since: logOptions.since !== undefined ? engineTimestamp(logOptions.since) : undefined,
        },
        sink: (chunk) => collector.push(chunk),
      });
      collector.end();
      const until = logOptions.until;
      // NOTE: the engine takes `until` for container logs only (swarmkit's log subscription has no end), so
      // the bound is applied here, to the lines' own timestamps.
      return collector.lines()
        .filter((line) => until === undefined || !isAfter(line.time, until))
        .map((line, i) => ({ line, i, key: sortableTime(line.time) }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
        .map(({ line }) => line);
    },

    async followServiceLogs(id, logOptions, signal) {
      const service = await inspect('services', checkRef(id, 'id'));
      if (signal.aborted) throw toSwarmError(signal.reason, timeoutMs);
      const tty = record(record(record(service.Spec).TaskTemplate).ContainerSpec).TTY === true;
      const tail = logOptions.tail === undefined ? DEFAULT_LOG_TAIL : Math.max(0, Math.floor(logOptions.tail));
      const until = logOptions.until;
      // Lines are taken out after each chunk, so the collector only ever holds one chunk's lines; it still cuts
      // each line at maxLineBytes.
      const collector = createLogCollector(tty, { tail: Number.MAX_SAFE_INTEGER, maxLineBytes: logLimits.maxLineBytes, maxTotalBytes: Number.MAX_SAFE_INTEGER });
      const query = toQueryString({
        stdout: true,
        stderr: true,
        timestamps: true,
        details: true,
        follow: true,
        tail,
        since: logOptions.since !== undefined ? engineTimestamp(logOptions.since) : undefined,
      });
      // The request lives as long as the caller's signal: no deadline once the engine answered (a quiet service
      // writes nothing for hours), only until its headers arrive.
      const request = new AbortController();
      const onAbort = () => request.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const headersDeadline = setTimeout(() => request.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
      let res: IncomingMessage;
      try {
        res = await new Promise<IncomingMessage>((resolve, reject) => {
          followModem().dial(
            {
              path: `/services/${encodeURIComponent(text(service.ID))}/logs?${query}`,
              method: 'GET',
              options: { _query: {} },
              isStream: true,
              abortSignal: request.signal,
              statusCodes: { 200: true },
            },
            (error, response) => (error ? reject(toSwarmError(request.signal.aborted ? request.signal.reason : error, timeoutMs)) : resolve(response as IncomingMessage)),
          );
        });
      } catch (error) {
        signal.removeEventListener('abort', onAbort);
        throw error;
      } finally {
        clearTimeout(headersDeadline);
      }

      const pending: Array<{ line: LogLine; cost: number }> = [];
      let head = 0;
      let pendingBytes = 0;
      let paused = false;
      let ended = false;
      let stopped = false;
      let failure: AppError | undefined;
      let wake: (() => void) | undefined;
      const notify = () => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      const stop = () => {
        if (stopped) return;
        stopped = true;
        // The reader is gone: what it did not take is dropped.
        pending.length = 0;
        head = 0;
        pendingBytes = 0;
        signal.removeEventListener('abort', onAbort);
        request.abort();
        res.destroy();
        notify();
      };
      const hold = (lines: LogLine[]) => {
        for (const line of lines) {
          if (until !== undefined && isAfter(line.time, until)) continue;
          const cost = Buffer.byteLength(line.text) + 160;
          pending.push({ line, cost });
          pendingBytes += cost;
        }
      };
      res.on('data', (chunk: Buffer) => {
        if (stopped) return;
        const readable = collector.push(chunk);
        hold(collector.take());
        if (!readable) {
          failure = swarmUnavailable('the Docker engine sent a log stream that cannot be read');
          res.destroy();
        } else if (pendingBytes > FOLLOW_HIGH_WATER && !paused) {
          // Backpressure: the socket stops being read, so the engine's writes block.
          paused = true;
          res.pause();
        }
        notify();
      });
      res.on('end', () => {
        collector.end();
        hold(collector.take());
        ended = true;
        notify();
      });
      res.on('error', (error) => {
        failure ??= toSwarmError(error, timeoutMs);
        notify();
      });
      res.on('close', () => {
        if (!res.complete && !stopped) failure ??= swarmUnavailable('the Docker engine closed the log stream');
        ended = true;
        notify();
      });
      signal.addEventListener('abort', stop, { once: true });

      const iterator: AsyncIterator<LogLine> = {
        async next() {
          for (;;) {
            if (head < pending.length) {
              const { line, cost } = pending[head]!;
              pending[head++] = undefined as never;
              pendingBytes -= cost;
              if (head > 1024 && head * 2 > pending.length) {
                pending.splice(0, head);
                head = 0;
              }
              if (paused && pendingBytes <= FOLLOW_LOW_WATER && !stopped) {
                paused = false;
                res.resume();
              }
              return { value: line, done: false };
            }
            if (stopped) return { value: undefined, done: true };
            if (failure) {
              stop();
              throw failure;
            }
            if (ended) {
              stop();
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => (wake = resolve));
          }
        },
        async return() {
          stop();
          return { value: undefined, done: true };
        },
      };
      return { [Symbol.asyncIterator]: () => iterator };
    },

    listTasks,

    async listNodes() {
      const nodes = await json({ method: 'GET', path: '/nodes' });
      return list(nodes).filter(isRecord).map(toNode).sort((a, b) => compareText(a.hostname, b.hostname));
    },

    async updateNode(id, version, update: NodeUpdate) {
      const ref = checkRef(id, 'id');
      checkVersion(version);
      const node = await inspect('nodes', ref);
      const spec = { ...record(node.Spec) };
      if (update.availability !== undefined) spec.Availability = update.availability;
      if (update.role !== undefined) spec.Role = update.role;
      if (update.labels !== undefined) spec.Labels = { ...update.labels };
      const nodeId = text(node.ID);
      await json({ method: 'POST', path: `/nodes/${encodeURIComponent(nodeId)}/update`, query: { version }, body: spec });
      const updated = await inspect('nodes', nodeId);
      return { id: nodeId, version: count(record(updated.Version).Index) ?? 0 };
    },

    async listNetworks() {
      const networks = await json({ method: 'GET', path: '/networks' });
      // NOTE: the swarm keeps its own id for the predefined host network, which GET /networks does not list
      // but a service may name in TaskTemplate.Networks; the policy must know it too.
      const swarmHost = await json({ method: 'GET', path: '/networks/host', query: { scope: 'swarm' } }).catch(() => null);
      const seen = new Set<string>();
      return [...list(networks), swarmHost].filter(isRecord).flatMap((n): NetworkSummary[] => {
        const id = text(n.Id);
        const name = text(n.Name);
        if ((id === '' && name === '') || seen.has(`${id}/${name}`)) return [];
        seen.add(`${id}/${name}`);
        return [{ id, name, driver: text(n.Driver), scope: text(n.Scope), labels: stringMap(n.Labels) }];
      });
    },

    async inspectVolume(name) {
      // NOTE: a name the engine could not hold never reaches a URL; no such volume exists.
      if (typeof name !== 'string' || !OBJECT_REF.test(name)) return null;
      let found: unknown;
      try {
        found = await json({ method: 'GET', path: `/volumes/${encodeURIComponent(name)}` });
      } catch (error) {
        if (error instanceof AppError && error.code === 'not_found') return null;
        throw error;
      }
      if (!isRecord(found) || typeof found.Name !== 'string') throw swarmUnavailable('the Docker engine gave an unusable volume');
      // Options the engine gives as null mean none; anything else that is not a map of strings is kept
      // visible to the policy (as a non-empty map) rather than dropped.
      const rawOptions = found.Options;
      const options = rawOptions == null ? {} : isRecord(rawOptions) ? Object.fromEntries(Object.entries(rawOptions).map(([k, v]) => [k, String(v)])) : { '': String(rawOptions) };
      const volume: VolumeSummary = { name: found.Name, driver: text(found.Driver), options, labels: stringMap(found.Labels), scope: text(found.Scope) };
      return volume;
    },

    listSecrets: () => listObjects('secrets'),
    createSecret: (secret) => createObject('secrets', secret),
    removeSecret: (idOrName) => removeObject('secrets', idOrName),
    listConfigs: () => listObjects('configs'),
    createConfig: (config) => createObject('configs', config),

    async inspectConfig(idOrName) {
      const found = await json({ method: 'GET', path: `/configs/${encodeURIComponent(checkRef(idOrName, 'name'))}` });
      if (!isRecord(found) || typeof found.ID !== 'string') throw swarmUnavailable('the Docker engine gave an unusable config');
      return { ...toSwarmObject(found), data: text(record(found.Spec).Data) };
    },

    removeConfig: (idOrName) => removeObject('configs', idOrName),

    async createNetwork(network: NetworkSpec) {
      const body = {
        Name: checkRef(network.name, 'name'),
        Driver: network.driver,
        Labels: { ...network.labels },
        Attachable: network.attachable === true,
        Internal: network.internal === true,
        Options: { ...(network.options ?? {}) },
        CheckDuplicate: true,
      };
      const created = record(await json({ method: 'POST', path: '/networks/create', body }));
      if (typeof created.Id !== 'string') throw swarmUnavailable('the Docker engine did not return the new network id');
      return { id: created.Id, name: network.name };
    },

    async removeNetwork(idOrName) {
      await send({ method: 'DELETE', path: `/networks/${encodeURIComponent(checkRef(idOrName, 'name'))}` });
    },

    async ping() {
      await send({ method: 'GET', path: '/_ping' });
    },
  };
}
