/** The API contract's shapes (see docs and /function/<name>), as the SPA sees them. */
export type { Permission } from '../../lib/permissions.ts';
import type { Permission } from '../../lib/permissions.ts';
export type { PortSummary, ServiceSummary } from '../../lib/swarm/swarm.ts';
export type { Event } from '../../lib/events/event.ts';
import type { PortSummary, ServiceSummary } from '../../lib/swarm/swarm.ts';



/** Docker's ServiceSpec (PascalCase keys), as the engine returns it. */
export type DockerServiceSpec = Record<string, unknown>;

export interface Task {
  id: string;
  slot: number | null;
  nodeId: string | null;
  serviceId?: string;
  state: string;
  desiredState: string;
  message: string;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ServiceDetail {
  service: ServiceSummary & { spec: DockerServiceSpec; previousSpec?: DockerServiceSpec };
  tasks: Task[];
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
  version?: number;
}

export interface LogLine {
  time: string;
  taskId: string;
  nodeId: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface UserSummary {
  username: string;
  permissions: Permission[];
  createdAt: string;
}

export interface Me {
  username: string;
  permissions: Permission[];
}

export interface Mount {
  type: 'bind' | 'volume' | 'tmpfs';
  source?: string;
  target: string;
  readOnly?: boolean;
}

export interface ResourceSpec {
  cpus?: number;
  memoryBytes?: number;
}

/** A port as ServiceInput takes it: `published` left out lets the engine choose. */
export interface PortInput {
  published?: number;
  target: number;
  protocol?: PortSummary['protocol'];
  mode?: PortSummary['mode'];
}

export interface ServiceInput {
  name: string;
  image: string;
  mode?: 'replicated' | 'global';
  replicas?: number;
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  labels?: Record<string, string>;
  ports?: PortInput[];
  mounts?: Mount[];
  constraints?: string[];
  resources?: { limits?: ResourceSpec; reservations?: ResourceSpec };
  networks?: string[];
}

