/**
 * The Swarm port: what the functions need from a Docker Swarm manager, in the contract's shapes.
 * The adapter over dockerode lives in ./docker.ts. Every method throws AppError:
 * `not_found`, `service_exists`, `version_conflict`, `no_previous_spec`, `validation_failed`,
 * or `swarm_unavailable` when the engine does not answer.
 */
import type { AdmittedNetwork, AdmittedService, AdmittedSpec } from './policy-gate.ts';
import type { ServiceInput } from './service-input.ts';

export interface PortSummary {
  published: number | null;
  target: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  mode: 'ingress' | 'host';
}

export interface ServiceSummary {
  id: string;
  name: string;
  image: string;
  mode: 'replicated' | 'global';
  replicas: { desired: number; running: number };
  ports: PortSummary[];
  labels: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  version: number;
  updateStatus?: { state: string; message: string };
}

export interface Task {
  id: string;
  slot: number | null;
  nodeId: string | null;
  serviceId: string;
  state: string;
  desiredState: string;
  message: string;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NodeSummary {
  id: string;
  hostname: string;
  role: 'manager' | 'worker';
  availability: 'active' | 'pause' | 'drain';
  state: string;
  leader: boolean;
  addr: string;
  engineVersion: string;
  labels: Record<string, string>;
  version: number;
}

export interface LogLine {
  time: string;
  taskId: string;
  nodeId: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  scope: string;
  labels: Record<string, string>;
}

/** A named volume as the engine that answered (the manager) holds it; other nodes may hold another of that name. */
export interface VolumeSummary {
  name: string;
  driver: string;
  options: Record<string, string>;
  labels: Record<string, string>;
  scope: string;
}

/** The Docker Engine API's ServiceSpec, as sent to and read from the engine (PascalCase keys). */
export type DockerServiceSpec = Record<string, unknown> & { Name?: string };

export interface ServiceDetail {
  service: ServiceSummary & { spec: DockerServiceSpec; previousSpec?: DockerServiceSpec };
  tasks: Task[];
}

export interface NodeUpdate {
  availability?: NodeSummary['availability'];
  role?: NodeSummary['role'];
  labels?: Record<string, string>;
}

/** A secret or a config as the engine holds it: metadata only (a secret's data never leaves the engine). */
export interface SwarmObject {
  id: string;
  /** The engine object's name (`<name>.v<N>` for versions the dashboard made). */
  name: string;
  labels: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface NewSwarmObject {
  name: string;
  /** Base64. */
  data: string;
  labels?: Record<string, string>;
}

export interface NetworkSpec {
  name: string;
  driver: string;
  labels: Record<string, string>;
  attachable?: boolean;
  internal?: boolean;
  options?: Record<string, string>;
}

export interface ServiceSpecEntry {
  id: string;
  name: string;
  version: number;
  spec: DockerServiceSpec;
}

export interface Swarm {
  /** Sorted by name; `ids` narrows the list to those services (an id the engine does not know is left out). */
  listServices(filter?: { ids?: string[] }): Promise<ServiceSummary[]>;
  /** Every service's id, name, version and whole spec; `label` (`key=value` or `key`) narrows the list. */
  listServiceSpecs(filter?: { label?: string }): Promise<ServiceSpecEntry[]>;
  /** By id or name. */
  inspectService(idOrName: string): Promise<ServiceDetail>;
  /** Only a spec the policy gate admitted (./policy-gate.ts) can be created. */
  createService(spec: AdmittedSpec): Promise<{ id: string; name: string }>;
  /**
   * Replaces the spec of the service at `version` (its Version.Index as last read); a stale version throws
   * `version_conflict`. Answers the version read right after; the engine bumps it again as the update progresses.
   */
  updateService(id: string, version: number, spec: AdmittedSpec): Promise<{ id: string; version: number }>;
  /**
   * Has the engine restore the service's PreviousSpec (`no_previous_spec` when there is none); `previous` is
   * that spec, admitted by the gate, so a rollback cannot restore what a create could not make.
   */
  rollbackService(id: string, version: number, previous: AdmittedSpec): Promise<{ id: string; version: number }>;
  removeService(service: AdmittedService): Promise<void>;
  /** `since`/`until` inclusive, in nanoseconds since the epoch; `tail` lines per task (default 1000); oldest first. */
  serviceLogs(id: string, options: { since?: bigint; until?: bigint; tail?: number }): Promise<LogLine[]>;
  /**
   * Follows a service's logs: `tail` lines per task (default 1000), then each line as the engine sends it, in
   * the engine's order (not sorted), until `signal` aborts, the iteration is left, or the engine ends the
   * stream. Resolves once the engine accepted the request, so an unknown service rejects with `not_found`
   * before any line. Lines after `until` are left out. Memory stays bounded: the engine is read only as fast
   * as the lines are taken.
   */
  followServiceLogs(id: string, options: { since?: bigint; until?: bigint; tail?: number }, signal: AbortSignal): Promise<AsyncIterable<LogLine>>;
  listTasks(filter?: { serviceId?: string; nodeId?: string }): Promise<Task[]>;
  listNodes(): Promise<NodeSummary[]>;
  /** Changes only the fields given (labels are replaced as a whole); a stale version throws `version_conflict`. */
  updateNode(id: string, version: number, update: NodeUpdate): Promise<{ id: string; version: number }>;
  /**
   * The manager's networks, including the swarm's own host network (which `GET /networks` leaves out but a
   * service may name), for the policy gate: host and none, and which carry `dashboard.workloads=true`.
   */
  listNetworks(): Promise<NetworkSummary[]>;
  /** The named volume on the manager, or null when it has none of that name (or the name is not one). */
  inspectVolume(name: string): Promise<VolumeSummary | null>;
  /** Sorted by name. */
  listSecrets(): Promise<SwarmObject[]>;
  /** `service_exists` (409) when the name is taken. */
  createSecret(secret: NewSwarmObject): Promise<{ id: string; name: string }>;
  /** `in_use` while a service's spec refers to it. */
  removeSecret(idOrName: string): Promise<void>;
  listConfigs(): Promise<SwarmObject[]>;
  createConfig(config: NewSwarmObject): Promise<{ id: string; name: string }>;
  /** With the data (base64): configs are not secret. */
  inspectConfig(idOrName: string): Promise<SwarmObject & { data: string }>;
  removeConfig(idOrName: string): Promise<void>;
  /** Only a network the gate admitted (its driver and options judged) can be created. */
  createNetwork(network: AdmittedNetwork): Promise<{ id: string; name: string }>;
  removeNetwork(idOrName: string): Promise<void>;
  ping(): Promise<void>;
}

export type { ServiceInput };
