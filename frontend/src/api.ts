/**
 * The one API client. It owns the base URL (same origin), the session cookie (`credentials: 'same-origin'`,
 * never a token in storage), retries of read-only calls with backoff on 502/503/504 and network errors (never on
 * 4xx, never a call that changes state), decoding of the contract's `{error: {code, message, details}}`, error
 * toasts and the 401 → login hand-off.
 */
import type {
  Event, LogLine, Me, NodeSummary, NodeUpdate, ObjectKind, ObjectListing, Permission, ServiceDetail, ServiceInput,
  ServiceSummary, StackAction, StackSummary, TaskWithHistory, UserSummary,
} from './types.ts';

export interface DeployStackRequest {
  name: string;
  compose: string;
  env?: Record<string, string>;
  prune?: boolean;
  dryRun?: boolean;
}

export interface DeployStackResult {
  name: string;
  services: { name: string; action: StackAction }[];
}

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  readonly retryAfter: number | undefined;

  constructor(status: number, code: string, message: string, details?: unknown, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

export interface CallOptions {
  /** Handle the error at the call site: no toast. A 401 still goes to login. */
  quiet?: boolean;
  signal?: AbortSignal;
}

export interface ApiOptions {
  /** '' (same origin) in the SPA; a full origin in tests. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Retries after the first attempt of a read-only call, on 502/503/504 and network errors. */
  retries?: number;
  /** First backoff delay; doubles each retry, with jitter. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called with every error not marked `quiet` (the toast). */
  onError?: (error: ApiError) => void;
  /** Called on 401 `unauthenticated` (the session is gone). */
  onUnauthenticated?: () => void;
}

const RETRYABLE = new Set([502, 503, 504]);

/**
 * The functions that only read (their definitions say `readOnly: true`). Only these are retried: a 502/504 or a
 * dropped connection does not say whether a write was applied, so retrying a restart could start two rollouts.
 */
export const READ_ONLY_FUNCTIONS: ReadonlySet<string> = new Set([
  'whoami', 'list-users', 'list-services', 'inspect-service', 'service-logs', 'list-nodes', 'list-events', 'list-tasks',
  'list-stacks', 'inspect-stack', 'list-secrets', 'list-configs', 'inspect-config',
]);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type Api = ReturnType<typeof createApi>;

export const createApi = (options: ApiOptions = {}) => {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 300;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  if (!Number.isInteger(retries) || retries < 0) throw new TypeError('retries must be a non-negative integer');

  const delay = (attempt: number) => backoffMs * 2 ** attempt * (0.75 + random() * 0.5);

  const decode = async (response: Response): Promise<ApiError> => {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // NOTE: a proxy (the gateway, a load balancer) may answer 502/504 with HTML.
    }
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    const retryAfterHeader = response.headers.get('Retry-After');
    const retryAfter = retryAfterHeader !== null && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : undefined;
    if (error && typeof error.code === 'string') {
      return new ApiError(response.status, error.code, typeof error.message === 'string' ? error.message : error.code, error.details, retryAfter);
    }
    return new ApiError(response.status, `http_${response.status}`, `The server answered ${response.status} ${response.statusText}`.trim(), undefined, retryAfter);
  };

  /** POSTs `body` to `/function/<name>` and returns the decoded JSON (undefined for 204). */
  const call = async <T>(name: string, body?: unknown, callOptions: CallOptions = {}): Promise<T> => {
    let attempt = 0;
    const maxRetries = READ_ONLY_FUNCTIONS.has(name) ? retries : 0;
    for (;;) {
      let failure: ApiError;
      try {
        const response = await doFetch(`${baseUrl}/function/${name}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(body ?? {}),
          signal: callOptions.signal,
        });
        if (response.ok) {
          if (response.status === 204) return undefined as T;
          const text = await response.text();
          return (text === '' ? undefined : JSON.parse(text)) as T;
        }
        failure = await decode(response);
        if (!RETRYABLE.has(response.status) || attempt >= maxRetries) return fail(failure, name, callOptions);
      } catch (e) {
        if (e instanceof ApiError) throw e;
        if ((e as { name?: string }).name === 'AbortError') throw e;
        failure = new ApiError(0, 'network_error', 'The dashboard server cannot be reached. Check your connection.');
        if (attempt >= maxRetries) return fail(failure, name, callOptions);
      }
      await sleep(delay(attempt));
      attempt += 1;
    }
  };

  const fail = (error: ApiError, name: string, callOptions: CallOptions): never => {
    if (error.status === 401 && error.code !== 'invalid_credentials' && name !== 'whoami') {
      options.onUnauthenticated?.();
    } else if (!callOptions.quiet && error.status !== 401) {
      options.onError?.(error);
    }
    throw error;
  };

  return {
    call,
    login: (username: string, password: string, o?: CallOptions) =>
      call<{ token: string; expiresAt: string; user: Me }>('login', { username, password }, o),
    logout: (o?: CallOptions) => call<void>('logout', {}, o),
    whoami: (o?: CallOptions) => call<Me>('whoami', {}, o),
    changePassword: (currentPassword: string, newPassword: string, o?: CallOptions) =>
      call<{ expiresAt: string }>('change-password', { currentPassword, newPassword }, o),
    /** One page by username; pass the answer's `next` as `cursor` for the following one. */
    listUsers: (page: { limit?: number; cursor?: string } = {}, o?: CallOptions) =>
      call<{ users: UserSummary[]; next?: string }>('list-users', page, o),
    createUser: (input: { username: string; password: string; permissions?: Permission[] }, o?: CallOptions) =>
      call<UserSummary>('create-user', input, o),
    deleteUser: (username: string, o?: CallOptions) => call<void>('delete-user', { username }, o),
    grantPermission: (username: string, permission: Permission, o?: CallOptions) =>
      call<{ username: string; permissions: Permission[] }>('grant-permission', { username, permission }, o),
    revokePermission: (username: string, permission: Permission, o?: CallOptions) =>
      call<{ username: string; permissions: Permission[] }>('revoke-permission', { username, permission }, o),
    listServices: (o?: CallOptions) => call<{ services: ServiceSummary[] }>('list-services', {}, o),
    inspectService: (id: string, o?: CallOptions) => call<ServiceDetail>('inspect-service', { id }, o),
    createService: (input: ServiceInput, o?: CallOptions) => call<{ id: string; name: string }>('create-service', input, o),
    updateService: (id: string, version: number, input: Partial<ServiceInput>, o?: CallOptions) =>
      call<{ id: string; version: number }>('update-service', { ...input, id, version }, o),
    /** Replaces the whole spec (a Docker ServiceSpec); the security policy judges it like any update. */
    replaceServiceSpec: (id: string, version: number, spec: Record<string, unknown>, o?: CallOptions) =>
      call<{ id: string; version: number }>('update-service', { id, version, spec }, o),
    scaleService: (id: string, replicas: number, o?: CallOptions) =>
      call<{ id: string; version: number }>('scale-service', { id, replicas }, o),
    restartService: (id: string, o?: CallOptions) => call<{ id: string; version: number }>('restart-service', { id }, o),
    rollbackService: (id: string, o?: CallOptions) => call<{ id: string; version: number }>('rollback-service', { id }, o),
    deleteService: (id: string, o?: CallOptions) => call<void>('delete-service', { id }, o),
    serviceLogs: (id: string, query: { since?: string; until?: string; tail?: number } = {}, o?: CallOptions) =>
      call<{ lines: LogLine[] }>('service-logs', { id, ...query }, o),
    /**
     * Follows a service's logs (`follow: true`, NDJSON): calls `onLine` for each line as it arrives; resolves when
     * the server ends the stream (e.g. the gateway's timeout), rejects with an ApiError when it fails or ends
     * with an error line, and with an AbortError when `signal` aborts. Not retried: the caller reconnects.
     */
    followServiceLogs: async (
      id: string,
      query: { since?: string; tail?: number; filter?: string },
      onLine: (line: LogLine) => void,
      signal: AbortSignal,
    ): Promise<void> => {
      let response: Response;
      try {
        response = await doFetch(`${baseUrl}/function/service-logs`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', Accept: 'application/x-ndjson' },
          body: JSON.stringify({ id, ...query, follow: true }),
          signal,
        });
      } catch (e) {
        if ((e as { name?: string }).name === 'AbortError') throw e;
        return fail(new ApiError(0, 'network_error', 'The dashboard server cannot be reached. Check your connection.'), 'service-logs', { quiet: true });
      }
      if (!response.ok) return fail(await decode(response), 'service-logs', { quiet: true });
      if (!response.body) return;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let rest = '';
      const take = (text: string) => {
        if (text.trim() === '') return;
        const value = JSON.parse(text) as LogLine | { error: { code: string; message: string } };
        if ('error' in value) throw new ApiError(503, value.error.code, value.error.message);
        onLine(value);
      };
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          rest += decoder.decode(value, { stream: true });
          const parts = rest.split('\n');
          rest = parts.pop() ?? '';
          for (const part of parts) take(part);
        }
        take(rest + decoder.decode());
      } finally {
        reader.releaseLock();
      }
    },
    /** The plain text of a service's logs (`Accept: text/plain`), for a download. */
    downloadServiceLogs: async (id: string, query: { tail?: number; filter?: string } = {}, o?: CallOptions): Promise<Blob> => {
      const response = await doFetch(`${baseUrl}/function/service-logs`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'text/plain' },
        body: JSON.stringify({ id, ...query }),
        signal: o?.signal,
      });
      if (!response.ok) return fail(await decode(response), 'service-logs', o ?? {});
      return response.blob();
    },
    // NOTE: `limit` is at most 1000; pass the answer's `next` as `cursor` (with the same filters) for the next page.
    listTasks: (
      query: { service?: string; node?: string; state?: string; since?: string; limit?: number; cursor?: string },
      o?: CallOptions,
    ) => call<{ tasks: TaskWithHistory[]; next?: string }>('list-tasks', query, o),
    listNodes: (o?: CallOptions) => call<{ nodes: NodeSummary[] }>('list-nodes', {}, o),
    updateNode: (id: string, version: number, update: NodeUpdate, o?: CallOptions) =>
      call<{ id: string; version: number }>('update-node', { id, version, ...update }, o),
    // NOTE: `limit` is at most 1000; pass the answer's `next` as `cursor` (with the same filters) for the next page.
    listEvents: (
      query: { since?: string; until?: string; type?: string; action?: string; actor?: string; limit?: number; order?: 'asc' | 'desc'; cursor?: string },
      o?: CallOptions,
    ) => call<{ events: Event[]; next?: string }>('list-events', query, o),
    listStacks: (o?: CallOptions) => call<{ stacks: StackSummary[] }>('list-stacks', {}, o),
    inspectStack: (name: string, o?: CallOptions) =>
      call<{ name: string; compose: string; services: ServiceSummary[] }>('inspect-stack', { name }, o),
    // NOTE: `dryRun: true` judges and diffs only: the preview before a deploy.
    deployStack: (request: DeployStackRequest, o?: CallOptions) => call<DeployStackResult>('deploy-stack', request, o),
    removeStack: (name: string, o?: CallOptions) => call<void>('remove-stack', { name }, o),
    // NOTE: secrets and configs share their shapes; `kind` picks the function (list-secrets, rotate-config, …).
    listObjects: (kind: ObjectKind, o?: CallOptions) =>
      call<Record<string, ObjectListing[]>>(`list-${kind}s`, {}, o).then((r) => r[`${kind}s`] ?? []),
    createObject: (kind: ObjectKind, input: { name: string; data: string; labels?: Record<string, string> }, o?: CallOptions) =>
      call<{ id: string; name: string; version: 1 }>(`create-${kind}`, input, o),
    rotateObject: (kind: ObjectKind, name: string, data: string, o?: CallOptions) =>
      call<{ name: string; version: number; services: string[] }>(`rotate-${kind}`, { name, data }, o),
    deleteObject: (kind: ObjectKind, name: string, o?: CallOptions) => call<void>(`delete-${kind}`, { name }, o),
    inspectConfig: (name: string, o?: CallOptions) => call<ObjectListing & { data: string }>('inspect-config', { name }, o),
  };
};
