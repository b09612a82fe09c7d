/**
 * What the restricted Docker API proxy lets through: the endpoints the dashboard uses, nothing else
 * (no containers, exec, images, plugins, swarm join/leave, build), and of the writes only the bodies its one
 * caller sends (`checkBody`). Paths may carry a version prefix (/v1.41/…); the query string is not part of the match.
 */

export type Profile = 'functions' | 'events';

interface Rule {
  method: string;
  path: RegExp;
}

const ID = '[A-Za-z0-9_.-]+';
const get = (path: string): Rule => ({ method: 'GET', path: new RegExp(`^${path}$`) });

/** Reads every profile needs: the engine's identity and health. */
const ENGINE: Rule[] = [get('/_ping'), { method: 'HEAD', path: /^\/_ping$/ }, get('/version'), get('/info')];

const RULES: Record<Profile, Rule[]> = {
  // The Swarm functions (lib/swarm/docker.ts): services, tasks, nodes, networks (the spec policy's host-network
  // check), service logs; writes limited to services and node updates.
  functions: [
    ...ENGINE,
    get('/services'),
    get(`/services/${ID}`),
    get(`/services/${ID}/logs`),
    get('/tasks'),
    get(`/tasks/${ID}`),
    get('/nodes'),
    get(`/nodes/${ID}`),
    get('/networks'),
    get(`/networks/${ID}`),
    get(`/volumes/${ID}`),
    get('/secrets'),
    get(`/secrets/${ID}`),
    get('/configs'),
    get(`/configs/${ID}`),
    { method: 'POST', path: /^\/services\/create$/ },
    { method: 'POST', path: new RegExp(`^/services/${ID}/update$`) },
    { method: 'DELETE', path: new RegExp(`^/services/${ID}$`) },
    { method: 'POST', path: new RegExp(`^/nodes/${ID}/update$`) },
    // Stacks create their networks, secrets and configs; rotation replaces them.
    { method: 'POST', path: /^\/networks\/create$/ },
    { method: 'DELETE', path: new RegExp(`^/networks/${ID}$`) },
    { method: 'POST', path: /^\/(secrets|configs)\/create$/ },
    { method: 'DELETE', path: new RegExp(`^/(secrets|configs)/${ID}$`) },
  ],
  // The event producer (workers/producer): the engine's event stream and its own identity, and the lists its
  // resync and rollout watch read (list-then-watch: services, nodes, tasks), all read-only. No inspect, no logs.
  events: [...ENGINE, get('/events'), get('/services'), get('/nodes'), get('/tasks')],
};

/** The path of `url` without the version prefix, or undefined when it cannot be matched safely. */
export function apiPath(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url, 'http://proxy').pathname;
  } catch {
    return undefined;
  }
  // NOTE: the URL parser resolves "..", so /services/../containers/json is matched as /containers/json.
  if (path.includes('%')) return undefined;
  return path.replace(/^\/v1\.\d+(?=\/)/, '');
}

/** True when `method` on `url` (path and optional query, with or without /v1.NN) is allowed for `profile`. */
export function isAllowed(profile: Profile, method: string, url: string): boolean {
  const path = apiPath(url);
  return path !== undefined && RULES[profile].some((rule) => rule.method === method && rule.path.test(path));
}

/** Largest body the proxy reads to check it. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Whether a request's body must be read and checked before it goes on. */
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// Labels only others may set: OpenFaaS functions are deployed by the provider over its own socket, and the
// dashboard's own services by the operator's stack deploy. A service that carried them through this proxy could
// pass for a function served on the dashboard's origin, or for the dashboard itself.
const FOREIGN_LABEL = /^(function$|com\.openfaas\.|dashboard\.system$)/;

function foreignLabel(labels: unknown): string | undefined {
  return isObject(labels) ? Object.keys(labels).find((k) => FOREIGN_LABEL.test(k)) : undefined;
}

const onlyKeys = (body: Json, allowed: string[]): string | undefined => Object.keys(body).find((k) => !allowed.includes(k));

/**
 * Why the body of `method` on `path` is refused for the functions' profile, or undefined when it may pass.
 * The dashboard's own security policy judges what users ask for; this holds what any caller of this proxy
 * could send at all, should it be something other than the dashboard.
 */
export function checkBody(method: string, path: string, body: unknown): string | undefined {
  if (method !== 'POST') return undefined;
  // Every write the functions' profile allows carries a JSON object.
  if (!isObject(body)) return 'the body must be a JSON object';
  if (path === '/services/create' || /^\/services\/[^/]+\/update$/.test(path)) {
    const task = isObject(body.TaskTemplate) ? body.TaskTemplate : {};
    const container = isObject(task.ContainerSpec) ? task.ContainerSpec : {};
    const label = foreignLabel(body.Labels) ?? foreignLabel(container.Labels);
    return label === undefined ? undefined : `the label ${label} is set only by the OpenFaaS provider or the operator's stack`;
  }
  if (/^\/nodes\/[^/]+\/update$/.test(path)) {
    const key = onlyKeys(body, ['Name', 'Labels', 'Role', 'Availability']);
    return key === undefined ? undefined : `a node update may not set ${key}`;
  }
  if (path === '/networks/create') {
    const key = onlyKeys(body, ['Name', 'Driver', 'Labels', 'Internal', 'CheckDuplicate', 'EnableIPv6', 'Options']);
    if (key !== undefined) return `a network may not set ${key}`;
    if (body.Driver !== 'overlay') return 'only overlay networks may be created';
    return isObject(body.Options) && Object.keys(body.Options).length > 0 ? 'network driver options are not allowed' : undefined;
  }
  if (path === '/secrets/create' || path === '/configs/create') {
    const key = onlyKeys(body, ['Name', 'Data', 'Labels']);
    // NOTE: Driver and Templating load plugins or render templates inside the engine.
    return key === undefined ? undefined : `a secret or config may not set ${key}`;
  }
  return undefined;
}

export function isProfile(value: string): value is Profile {
  return value === 'functions' || value === 'events';
}
