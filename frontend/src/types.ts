/**
 * The API contract's shapes, as the server's own types: re-exports only, so a change on the server shows up
 * in the frontend's type check instead of drifting from a copy.
 */
export type { Permission } from '../../lib/permissions.ts';
export type { Event } from '../../lib/events/event.ts';
export type {
  DockerServiceSpec, LogLine, NodeSummary, NodeUpdate, PortSummary, ServiceDetail, ServiceSummary, Task,
} from '../../lib/swarm/swarm.ts';
export type { ServiceInput, ServiceMount, ServicePort } from '../../lib/swarm/service-input.ts';
export type { UserPermissions as Me, UserSummary } from '../../lib/users/user-store.ts';
export type { StackAction, StackSummary } from '../../lib/stacks/stacks.ts';
export type { ObjectKind, ObjectListing } from '../../lib/secrets/versions.ts';
