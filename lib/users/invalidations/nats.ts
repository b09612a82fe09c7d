/**
 * Invalidations over core NATS (the `nats` package): a plain publish on `swarm-dashboard.users.invalidate`,
 * every replica subscribed. No JetStream: a message missed while a replica was disconnected cannot be replayed
 * usefully, so after any disconnect the replica drops its whole cache instead (`onInvalidate(null)`), and the
 * cache TTL bounds what it may have missed while the link was silently broken.
 *
 * - The connection reconnects forever. When NATS is unreachable at start, the adapter keeps trying in the
 *   background and the process boots anyway.
 * - `publish` never throws: on failure it logs and relies on the TTL. It flushes, with a bound, so the message
 *   is on the server before a grant/revoke answer returns.
 */
import { connect, type NatsConnection } from 'nats';
import { INVALIDATION_SUBJECT, jsonLog, type InvalidationLog, type Invalidations, type OnInvalidate } from '../invalidations.ts';

export interface NatsInvalidationsOptions {
  /** `nats://host:port` (NATS_URL); a comma-separated list is accepted. */
  url: string;
  /** NATS_USER + NATS_PASSWORD, or NATS_TOKEN; none when unset. */
  auth?: { user: string; pass: string } | { token: string };
  subject?: string;
  /** How long `publish` waits for the server to acknowledge the flush before giving up (default 1000 ms). */
  flushTimeoutMs?: number;
  /** How long the factory waits for the first connection before returning anyway (default 2000 ms). */
  connectTimeoutMs?: number;
  /** Pause between attempts while no connection was ever made (default 1000 ms). */
  retryMs?: number;
  log?: InvalidationLog;
}

/** The servers as logs may show them: without user information, should NATS_URL carry any. */
const shown = (servers: string[]): string[] => servers.map((s) => s.replace(/\/\/[^@/]*@/, '//'));

/** A refusal of the credentials (or of their absence), named as such, with the server and the settings to check. */
export const natsConnectProblem = (e: unknown, servers: string[], withAuth: boolean): string | undefined => {
  const code = (e as { code?: string } | null)?.code;
  if (code !== 'AUTHORIZATION_VIOLATION' && code !== 'AUTHENTICATION_EXPIRED') return undefined;
  const at = `NATS at ${shown(servers).join(',')}`;
  return withAuth
    ? `${at} refused the credentials (check NATS_USER and NATS_PASSWORD, or NATS_TOKEN)`
    : `${at} requires authentication (set NATS_USER and NATS_PASSWORD, or NATS_TOKEN)`;
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const decode = (data: Uint8Array): string | undefined => {
  try {
    const body: unknown = JSON.parse(decoder.decode(data));
    const username = (body as { username?: unknown } | null)?.username;
    return typeof username === 'string' ? username : undefined;
  } catch {
    return undefined;
  }
};

/** Resolves true when `promise` settles first (rejections count as settled), false after `ms`. */
const within = (promise: Promise<unknown>, ms: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(() => true, () => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
  ]).finally(() => clearTimeout(timer));
};

export async function createNatsInvalidations(options: NatsInvalidationsOptions): Promise<Invalidations> {
  const servers = options.url.split(',').map((s) => s.trim()).filter(Boolean);
  if (servers.length === 0) throw new Error('createNatsInvalidations: url is required (NATS_URL)');
  const subject = options.subject ?? INVALIDATION_SUBJECT;
  const flushTimeoutMs = options.flushTimeoutMs ?? 1000;
  const retryMs = options.retryMs ?? 1000;
  const log = options.log ?? jsonLog;
  const listeners = new Set<OnInvalidate>();
  let nc: NatsConnection | undefined;
  let closed = false;

  const deliver = (username: string | null) => {
    for (const listener of listeners) {
      try {
        listener(username);
      } catch (e) {
        log('error', 'invalidation listener failed', { error: String(e) });
      }
    }
  };

  const watch = async (conn: NatsConnection) => {
    for await (const status of conn.status()) {
      if (status.type === 'disconnect') {
        log('warn', 'NATS disconnected; cached users now live at most the cache TTL', { server: String(status.data) });
        deliver(null);
      } else if (status.type === 'reconnect') {
        log('info', 'NATS reconnected; dropping cached users that may have missed invalidations', { server: String(status.data) });
        deliver(null);
      }
    }
  };

  const attach = (conn: NatsConnection) => {
    nc = conn;
    conn.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return log('error', 'NATS subscription error', { error: String(err) });
        const username = decode(msg.data);
        if (username === undefined) return log('warn', 'ignored a malformed invalidation', { subject });
        deliver(username);
      },
    });
    void watch(conn);
    void conn.closed().then((e) => {
      if (e) log('error', 'NATS connection closed', { error: String(e) });
    });
    // Whatever was cached before the first connection never had a channel: start clean.
    deliver(null);
  };

  // NOTE: our own loop until the first connection, because `waitOnFirstConnect` cannot be cancelled by
  // close(); after that, the client itself reconnects forever (maxReconnectAttempts: -1).
  let warned = false;
  const connecting = (async () => {
    while (!closed) {
      try {
        const conn = await connect({
          servers,
          name: `swarm-dashboard users ${process.pid}`,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 500,
          noEcho: true,
          timeout: 2000,
          pingInterval: 10_000,
          maxPingOut: 2,
          ...(options.auth ?? {}),
        });
        if (closed) {
          await conn.close();
          return;
        }
        attach(conn);
        // The server holds the subscription once a flush returns: a replica that has started hears every
        // invalidation published after that, not only those after its SUB happened to arrive.
        await conn.flush().catch(() => undefined);
        if (warned) log('info', 'NATS connected', { servers: shown(servers) });
        return;
      } catch (e) {
        if (!warned) {
          warned = true;
          const refused = natsConnectProblem(e, servers, options.auth !== undefined);
          if (refused) log('error', `${refused}; retrying in the background. Until then, revoked permissions live at most the cache TTL on other replicas`, { servers: shown(servers) });
          else log('warn', 'NATS unreachable; retrying in the background. Until it answers, revoked permissions live at most the cache TTL on other replicas', { servers: shown(servers), error: String(e) });
        }
        await sleep(retryMs);
      }
    }
  })();
  await within(connecting, options.connectTimeoutMs ?? 2000);

  return {
    async publish(username) {
      const conn = nc;
      if (!conn || conn.isClosed()) {
        log('warn', 'invalidation not sent: NATS not connected', { username });
        return;
      }
      try {
        conn.publish(subject, encoder.encode(JSON.stringify({ username })));
        if (!(await within(conn.flush(), flushTimeoutMs))) {
          log('warn', 'invalidation not confirmed by NATS in time; it stays queued for the reconnect', { username, flushTimeoutMs });
        }
      } catch (e) {
        log('warn', 'invalidation not sent', { username, error: String(e) });
      }
    },
    subscribe(onInvalidate) {
      listeners.add(onInvalidate);
      return () => listeners.delete(onInvalidate);
    },
    async close() {
      closed = true;
      listeners.clear();
      const conn = nc;
      nc = undefined;
      if (conn && !conn.isClosed()) {
        await within(conn.drain(), 2000);
        if (!conn.isClosed()) await conn.close();
      }
      await connecting;
    },
  };
}
