/**
 * The one place where a Docker Engine failure becomes an AppError with a contract code.
 */
import { AppError, isAppError } from '../errors.ts';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EPIPE',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EACCES',
  'ENOTSOCK',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

const MAX_MESSAGE = 500;

/** The engine's own message from a docker-modem error (`{message}` JSON, text or a Buffer), shortened. */
function engineMessage(error: { json?: unknown; message?: unknown }): string {
  const json = error.json;
  let text = '';
  if (typeof json === 'object' && json !== null && !Buffer.isBuffer(json) && typeof (json as { message?: unknown }).message === 'string') {
    text = (json as { message: string }).message;
  } else if (typeof json === 'string') {
    text = json;
  } else if (Buffer.isBuffer(json)) {
    text = json.toString('utf8');
  } else if (typeof error.message === 'string') {
    text = error.message;
  }
  // NOTE: for streamed answers docker-modem keeps the engine's message only inside its own:
  // "(HTTP code 409) unexpected - <message> ".
  text = text
    .trim()
    .replace(/^\(HTTP code \d+\) .*? - /, '')
    .replace(/^rpc error: code = \w+ desc = /, '');
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/** 503 `swarm_unavailable`: the engine could not be reached or gave an answer we cannot use. */
export function swarmUnavailable(message: string, cause?: unknown): AppError {
  return new AppError('swarm_unavailable', message, { cause });
}

/**
 * Maps any error thrown while talking to the engine to an AppError:
 * 404 → `not_found`; "update out of sequence" (HTTP 409 or 500) → `version_conflict`; "does not have a previous
 * spec" → `no_previous_spec`; a network the spec names that is missing or not swarm-scoped (the engine says 500 or
 * 403) → `validation_failed` on `networks`; "is in use by" (a secret or config a service refers to) or "has active
 * endpoints" (a network) → `in_use`; other 409 → `service_exists`; 400 → `validation_failed` with the engine's
 * message; everything else (connection refused, missing socket, timeouts, 5xx) → `swarm_unavailable`. Never a stack trace.
 */
export function toSwarmError(error: unknown, timeoutMs?: number): AppError {
  if (isAppError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    statusCode?: unknown;
    code?: unknown;
    name?: unknown;
    json?: unknown;
    message?: unknown;
  };
  if (typeof e.statusCode === 'number') {
    const message = engineMessage(e);
    const status = e.statusCode;
    if (/update out of sequence/i.test(message)) {
      return new AppError('version_conflict', 'the service or node changed since this version was read; read it again', { cause: error });
    }
    if (/does not have a previous spec/i.test(message)) {
      return new AppError('no_previous_spec', 'the service has no previous spec to roll back to', { cause: error });
    }
    // NOTE: the engine answers a missing network with 500 and a local one (docker_gwbridge, bridge) with 403
    // (moby daemon/cluster/services.go, convert/service.go): both are the request's fault, not the engine's.
    if (status !== 404 && (/^network \S+ not found$/i.test(message) || /^the network \S+ cannot be used with services/i.test(message))) {
      return new AppError('validation_failed', message, { details: [{ field: 'networks', message }], cause: error });
    }
    if (/is in use by|has active endpoints/i.test(message)) return new AppError('in_use', message, { cause: error });
    if (status === 404) return new AppError('not_found', message || 'not found', { cause: error });
    if (status === 409) return new AppError('service_exists', message || 'a service with this name already exists', { cause: error });
    if (status === 400) {
      const text = message || 'the engine refused the request';
      return new AppError('validation_failed', text, { details: [{ field: '(body)', message: text }], cause: error });
    }
    return swarmUnavailable(`the Docker engine failed (HTTP ${status})${message ? `: ${message}` : ''}`, error);
  }
  if (e.name === 'AbortError' || e.name === 'TimeoutError') {
    return swarmUnavailable(`the Docker engine did not answer within ${timeoutMs ?? '?'} ms`, error);
  }
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && NETWORK_CODES.has(code)) return swarmUnavailable(`the Docker engine did not answer (${code})`, error);
  return swarmUnavailable('the Docker engine did not answer', error);
}
