/**
 * The one live module: the relay's WebSocket at `/events`, with reconnect (exponential backoff with jitter),
 * a resume cursor (`?since=` the last seen `timeNano`) and dedup by event id. Framework-free, so it runs in
 * Node tests against a real `ws` server; the UI reads `status` for its connection indicator.
 * The relay's 4401 (the session is gone) and 4403 (no events.read) are final: reconnecting cannot help, so the
 * module stops in status `closed` with the reason, for the session store (login) and the UI (access lost).
 */
import type { Event } from './types.ts';
import { compareNano } from './logic/events.ts';

export type LiveStatus = 'idle' | 'connecting' | 'replaying' | 'live' | 'offline' | 'closed';

/** Why the relay ended the connection for good: 4401 → 'unauthenticated', 4403 → 'forbidden'. */
export type LiveClosedReason = 'unauthenticated' | 'forbidden';

const FINAL_CLOSES: Readonly<Record<number, LiveClosedReason>> = { 4401: 'unauthenticated', 4403: 'forbidden' };

export interface LiveState {
  status: LiveStatus;
  /** Epoch ms of the next reconnect attempt while offline. */
  retryAt?: number;
  /** The resume cursor: the greatest `timeNano` seen. */
  cursor?: string;
  /** Set while status is `closed`. */
  closed?: LiveClosedReason;
}

/** The subset of the WebSocket API the module uses (the browser's, or `ws` in tests). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(code?: number): void;
}

export interface LiveOptions {
  /** The WebSocket URL without query, e.g. `ws://host/events`. */
  url: string;
  createSocket?: (url: string) => SocketLike;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** How many recent ids to remember for dedup. */
  dedupWindow?: number;
}

export type EventListener = (event: Event, meta: { replay: boolean }) => void;

export type Live = ReturnType<typeof createLive>;

/** The page's own `/events` URL, ws: or wss: to match. */
export const sameOriginEventsUrl = (location: { protocol: string; host: string }) =>
  `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/events`;

export const createLive = (options: LiveOptions) => {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const initial = options.initialBackoffMs ?? 500;
  const max = options.maxBackoffMs ?? 15_000;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const dedupWindow = options.dedupWindow ?? 100_000;
  if (!/^wss?:\/\//.test(options.url)) throw new TypeError(`live: url must be ws: or wss:, got ${options.url}`);

  const listeners = new Set<EventListener>();
  const statusListeners = new Set<(state: LiveState) => void>();
  const seen = new Set<string>();
  const seenOrder: string[] = [];
  let seenHead = 0;
  let state: LiveState = { status: 'idle' };
  let socket: SocketLike | null = null;
  let timer: unknown = null;
  let attempt = 0;
  let running = false;

  const setState = (next: Partial<LiveState>) => {
    state = { ...state, ...next };
    for (const l of statusListeners) l(state);
  };

  const remember = (id: string): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    seenOrder.push(id);
    if (seenOrder.length - seenHead > dedupWindow) {
      seen.delete(seenOrder[seenHead]!);
      seenHead += 1;
      if (seenHead > 4096) {
        seenOrder.splice(0, seenHead);
        seenHead = 0;
      }
    }
    return true;
  };

  const url = () => (state.cursor ? `${options.url}?since=${encodeURIComponent(state.cursor)}` : options.url);

  const onMessage = (data: unknown) => {
    let message: { type?: unknown; event?: Event };
    try {
      message = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return;
    }
    if (message.type === 'live') {
      attempt = 0;
      setState({ status: 'live', retryAt: undefined });
      return;
    }
    if (message.type !== 'event' || !message.event || typeof message.event.id !== 'string') return;
    const event = message.event;
    if (typeof event.timeNano === 'string' && (!state.cursor || compareNano(event.timeNano, state.cursor) > 0)) {
      state = { ...state, cursor: event.timeNano };
    }
    if (!remember(event.id)) return;
    const replay = state.status !== 'live';
    for (const l of listeners) l(event, { replay });
  };

  const connect = () => {
    timer = null;
    if (!running) return;
    setState({ status: 'connecting', retryAt: undefined, closed: undefined });
    let s: SocketLike;
    try {
      s = createSocket(url());
    } catch {
      scheduleReconnect();
      return;
    }
    socket = s;
    s.onopen = () => {
      if (socket === s) setState({ status: 'replaying' });
    };
    s.onmessage = (ev) => {
      if (socket === s) onMessage(ev.data);
    };
    s.onerror = () => {};
    s.onclose = (ev) => {
      if (socket !== s) return;
      socket = null;
      const reason = typeof ev?.code === 'number' ? FINAL_CLOSES[ev.code] : undefined;
      if (reason) {
        running = false;
        setState({ status: 'closed', closed: reason, retryAt: undefined });
        return;
      }
      scheduleReconnect();
    };
  };

  const scheduleReconnect = () => {
    if (!running) return;
    const base = Math.min(max, initial * 2 ** attempt);
    const ms = Math.round(base / 2 + (random() * base) / 2);
    attempt += 1;
    setState({ status: 'offline', retryAt: now() + ms });
    timer = setTimer(connect, ms);
  };

  return {
    /**
     * Opens the socket (idempotent). After a 4403 it stays closed until `stop()` (e.g. when the session no
     * longer lists events.read): the session's periodic re-read must not knock on the relay again and again.
     */
    start() {
      if (running || state.closed === 'forbidden') return;
      running = true;
      attempt = 0;
      connect();
    },
    /** Closes the socket and stops reconnecting; the cursor and dedup memory are kept. */
    stop() {
      running = false;
      if (timer !== null) clearTimer(timer);
      timer = null;
      const s = socket;
      socket = null;
      s?.close(1000);
      setState({ status: 'idle', retryAt: undefined, closed: undefined });
    },
    /** Forgets the cursor and seen ids (on logout, so the next user starts fresh). */
    reset() {
      seen.clear();
      seenOrder.length = 0;
      seenHead = 0;
      state = { status: state.status === 'closed' ? 'idle' : state.status };
    },
    /** Reconnects now, skipping the backoff wait. */
    retryNow() {
      if (!running || socket) return;
      if (timer !== null) clearTimer(timer);
      connect();
    },
    subscribe(listener: EventListener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    onStatus(listener: (state: LiveState) => void) {
      statusListeners.add(listener);
      listener(state);
      return () => void statusListeners.delete(listener);
    },
    get state() {
      return state;
    },
  };
};
