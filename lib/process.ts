/**
 * The life of every process, in one place: JSON log lines, boot, SIGTERM/SIGINT, draining with a deadline,
 * and the exit code (0 after a clean stop, 1 on a failure at run time or a drain past its deadline, 2 on a
 * setting that is wrong). The five entry points (local mode, a function, the relay, the producer and the
 * consumer) each call `runProcess`; nothing else touches signals or exits.
 */
import { ConfigError } from './config.ts';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON object a line on stdout (errors on stderr), with the time, the level and the component. */
export function createLogger(component: string): Logger {
  const line = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}) =>
    (level === 'error' ? console.error : console.log)(JSON.stringify({ time: new Date().toISOString(), level, component, msg: message, ...fields }));
  return {
    info: (m, f) => line('info', m, f),
    warn: (m, f) => line('warn', m, f),
    error: (m, f) => line('error', m, f),
  };
}

/**
 * An error's message with the chain of its causes: "The user store does not answer" alone does not say whether
 * the server was unreachable, slow or refused the login. The drivers' messages name no credentials.
 */
export function errorText(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, depth = 0; c !== undefined && depth < 4; depth++) {
    parts.push(c instanceof Error ? c.message : String(c));
    c = c instanceof Error ? c.cause : undefined;
  }
  return parts.join(': caused by: ');
}

export interface ProcessContext {
  log: Logger;
  /** Aborts when SIGTERM or SIGINT arrives, before `stop` is called. */
  signal: AbortSignal;
}

export interface Running {
  /** Drains and closes everything; called once, after a signal. */
  stop(): Promise<void>;
  /** Settles when the process's own work ends by itself (a worker loop); a rejection exits with 1. */
  done?: Promise<unknown>;
}

export const EXIT = { ok: 0, failed: 1, config: 2 } as const;

/**
 * Starts a process: `start` boots it and returns how to stop it. A ConfigError from `start` exits with 2 and
 * its message, any other error with 1. A signal aborts `signal`, then `stop` must finish within `drainMs`.
 */
export function runProcess(component: string, start: (context: ProcessContext) => Promise<Running>, options: { drainMs?: number } = {}): void {
  const log = createLogger(component);
  const controller = new AbortController();
  const drainMs = options.drainMs ?? 10_000;
  let running: Running | undefined;
  let stopping = false;

  const exit = (code: number) => process.exit(code);
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    controller.abort();
    log.info('stopping', { reason });
    const deadline = setTimeout(() => {
      log.error('drain took too long; exiting', { drainMs });
      exit(EXIT.failed);
    }, drainMs);
    deadline.unref();
    try {
      await running?.stop();
      log.info('stopped');
      exit(EXIT.ok);
    } catch (e) {
      log.error('stop failed', { error: String(e) });
      exit(EXIT.failed);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  start({ log, signal: controller.signal }).then(
    (started) => {
      running = started;
      if (stopping) void started.stop();
      started.done?.then(
        () => void stop('finished'),
        (e) => {
          log.error('failed', { error: errorText(e) });
          exit(EXIT.failed);
        },
      );
    },
    (e) => {
      if (e instanceof ConfigError) {
        console.error(`Cannot start the ${component}: ${e.message}`);
        exit(EXIT.config);
      }
      log.error('cannot start', { error: errorText(e) });
      exit(EXIT.failed);
    },
  );
}

/** Calls `connect` until it resolves (delays 0.5 s doubling to 5 s) or `signal` aborts (then resolves undefined). */
export async function connectWithRetry<T>(what: string, connect: () => Promise<T>, signal: AbortSignal, log: Logger): Promise<T | undefined> {
  for (let delay = 500; !signal.aborted; delay = Math.min(delay * 2, 5000)) {
    try {
      return await connect();
    } catch (e) {
      log.warn(`${what} not ready; retrying`, { error: e instanceof Error ? e.message : String(e), delayMs: delay });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  return undefined;
}
