/**
 * What the restricted Docker API proxy lets through: the endpoints the dashboard uses, nothing else
 * (no containers, exec, images, volumes, secrets, configs, plugins, swarm join/leave, build).
 * Paths may carry a version prefix (/v1.41/…); the query string is not part of the match.
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
    { method: 'POST', path: /^\/services\/create$/ },
    { method: 'POST', path: new RegExp(`^/services/${ID}/update$`) },
    { method: 'DELETE', path: new RegExp(`^/services/${ID}$`) },
    { method: 'POST', path: new RegExp(`^/nodes/${ID}/update$`) },
  ],
  // The event producer (workers/producer): the engine's event stream and its own identity, read-only.
  events: [...ENGINE, get('/events')],
};

/** True when `method` on `url` (path and optional query, with or without /v1.NN) is allowed for `profile`. */
export function isAllowed(profile: Profile, method: string, url: string): boolean {
  let path: string;
  try {
    path = new URL(url, 'http://proxy').pathname;
  } catch {
    return false;
  }
  // NOTE: the URL parser resolves "..", so /services/../containers/json is matched as /containers/json.
  if (path.includes('%')) return false;
  path = path.replace(/^\/v1\.\d+(?=\/)/, '');
  return RULES[profile].some((rule) => rule.method === method && rule.path.test(path));
}

export function isProfile(value: string): value is Profile {
  return value === 'functions' || value === 'events';
}
