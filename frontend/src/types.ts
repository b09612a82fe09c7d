/**
 * The API contract's shapes, as the server's own types: re-exports only, so a change on the server shows up
 * in the frontend's type check instead of drifting from a copy.
 */
export type { Permission } from '../../lib/permissions.ts';
export type { Event } from '../../lib/events/event.ts';
export type { TaskHistoryEntry, TaskWithHistory } from '../../lib/events/task-history.ts';
export type {
  DockerServiceSpec, LogLine, NodeSummary, NodeUpdate, PortSummary, ServiceDetail, ServiceSummary, Task,
} from '../../lib/swarm/swarm.ts';
export type { ServiceInput, ServiceMount, ServicePort } from '../../lib/swarm/service-input.ts';
export type { UserPermissions as Me, UserSummary } from '../../lib/users/user-store.ts';
import type { z } from 'zod';
import type { stackSummarySchema } from '../../functions/list-stacks/schema.ts';
export type StackSummary = z.infer<typeof stackSummarySchema>;
/**
 * deploy-stack's action per service (lib/stacks/stacks.ts `StackAction`). NOTE: a copy, because importing anything
 * from lib/stacks pulls its Ajv-based parser into the SPA's type check, which resolves Ajv's typings differently.
 */
export type StackAction = 'created' | 'updated' | 'unchanged' | 'removed';
export type { ObjectKind, ObjectListing } from '../../lib/secrets/versions.ts';
