/**
 * One definition per function: everything the registry, local mode, the OpenFaaS entry and
 * `GET /openapi.json` need to know about it, and the handler itself. `mountFunction` (./mount.ts) turns a
 * definition into a Hono app and applies, in that one place, authentication, the permission check, the
 * body-size limit, input parsing, audit and error mapping, so a handler cannot forget any of them.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import type { Principal } from '../auth/authenticator.ts';
import type { Deps } from '../deps.ts';
import type { Permission } from '../permissions.ts';
import type { AuditDetail } from './audit.ts';

/** `null`: no login (login itself); `'any'`: any logged-in user; else the permission it needs. */
export type Access = Permission | 'any' | null;

export interface FunctionCall<I, A extends Access> {
  input: I;
  /** The caller; `undefined` only for functions without login. */
  principal: A extends null ? undefined : Principal;
  /** Adds detail to the audit record (target, before, after); audited functions only. */
  audit(detail: AuditDetail): void;
  /** The request, for the few functions that read or set headers and cookies. */
  c: Context;
}

type InputOf<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;
/** A handler answers the output schema's shape (sent as JSON), nothing for 204, or a whole Response (streams). */
type ReplyOf<R> = (R extends z.ZodType ? z.input<R> : void) | Response;

export interface FunctionDefinition<S extends z.ZodType | null = z.ZodType | null, R extends z.ZodType | null = z.ZodType | null, A extends Access = Access> {
  /** The path segment: `/function/<name>`, the OpenFaaS function name and the folder name. */
  name: string;
  summary: string;
  permission: A;
  /**
   * The handler (or the policy gate it calls) enforces the scope of `permission` (contract 1.1), so holders of
   * only a scoped form (`services.write:stack=shop`) are let in. Without it they get 403: unscoped functions
   * fail closed.
   */
  scoped?: boolean;
  /** Read-only functions also answer GET, with the input as query parameters. */
  readOnly: boolean;
  input: S;
  /** The success answer's shape, for the OpenAPI document; `null` for 204. */
  output: R;
  /** Success status; default 200 (204 when `output` is null). */
  status?: 200 | 201 | 204;
  /** State-changing functions record an audit event: `action` like `service.update`, `target` like `service`. */
  audit?: { action: string; target: string };
  handler(call: FunctionCall<InputOf<S>, A>, deps: Deps): ReplyOf<R> | Promise<ReplyOf<R>>;
}

/** Any definition, as the registry and the mounter hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunctionDefinition = FunctionDefinition<any, any, any>;

/** Declares a function; the identity at run time, the checks at compile time (the handler's input and answer types). */
export const defineFunction = <S extends z.ZodType | null, R extends z.ZodType | null, A extends Access>(
  definition: FunctionDefinition<S, R, A>,
): FunctionDefinition<S, R, A> => definition;
