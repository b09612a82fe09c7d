/**
 * Service logs read as they arrive, in bounded memory. The engine's answer for `GET /services/{id}/logs` can be
 * far larger than a function's memory (each task's `tail` lines, each line as long as the program wrote it), so
 * nothing here holds the body: the multiplexed frames are decoded chunk by chunk, and only what the answer will
 * hold is kept:
 * - at most `tail` lines per task (the engine applies `tail` per task as well; this holds even if it did not);
 * - each line's text cut at `maxLineBytes` (marked with a final "…"), the rest of its frame skipped unread;
 * - at most `maxTotalBytes` of lines in all: past it the lines read first are dropped first.
 *
 * Without a TTY the engine multiplexes stdout and stderr in frames: an 8-byte header (stream type, 3 zero bytes,
 * big-endian length) then the payload
 * (https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerAttach). With a TTY the
 * answer is raw text, one message per "\n". A truncated last frame is dropped; a header that makes no sense
 * ends the decoding.
 */
import type { LogLine } from './swarm.ts';

export interface LogLimits {
  /** Lines kept per task. */
  tail: number;
  /** Longest text of one line, in bytes; longer ones are cut. */
  maxLineBytes: number;
  /** Bytes of lines kept in all (text plus a fixed cost per line). */
  maxTotalBytes: number;
}

export const DEFAULT_LOG_LIMITS: Omit<LogLimits, 'tail'> = { maxLineBytes: 16 * 1024, maxTotalBytes: 8 * 1024 * 1024 };

/** What a kept line costs besides its text: the time, ids and the object (an estimate, for the byte bound). */
const LINE_OVERHEAD = 160;
/** Room before the text: `<time> <details> `; details carry three ids and maybe a few labels. */
const PREFIX_ROOM = 1024;

function decodeAttribute(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** One log message as the engine writes it with timestamps and details: `<time> <k=v,k=v> <text>`. */
export function parseLogMessage(message: string, stream: LogLine['stream']): LogLine {
  const body = message.endsWith('\n') ? message.slice(0, -1) : message;
  const firstSpace = body.indexOf(' ');
  const time = firstSpace < 0 ? body : body.slice(0, firstSpace);
  const rest = firstSpace < 0 ? '' : body.slice(firstSpace + 1);
  const secondSpace = rest.indexOf(' ');
  const details = secondSpace < 0 ? rest : rest.slice(0, secondSpace);
  const attributes: Record<string, string> = {};
  for (const pair of details.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) attributes[decodeAttribute(pair.slice(0, at))] = decodeAttribute(pair.slice(at + 1));
  }
  return {
    time,
    taskId: attributes['com.docker.swarm.task.id'] ?? '',
    nodeId: attributes['com.docker.swarm.node.id'] ?? '',
    stream,
    text: secondSpace < 0 ? '' : rest.slice(secondSpace + 1),
  };
}

interface Kept {
  /** null once dropped, so a tombstone left in the arrival queue holds no text. */
  line: LogLine | null;
  taskId: string;
  cost: number;
}

/** A FIFO with O(1) push and shift, compacted now and then. */
class Queue<T> {
  private items: T[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  values(): T[] {
    return this.items.slice(this.head);
  }
  /** Keeps only the items that pass. */
  retain(keep: (item: T) => boolean): void {
    this.items = this.items.slice(this.head).filter(keep);
    this.head = 0;
  }
}

export interface LogCollector {
  /** Feeds the next bytes of the answer; false once the decoding stopped (a nonsense header). */
  push(chunk: Buffer): boolean;
  /** Ends the answer: a TTY's last message without "\n" counts; a frame cut short does not. */
  end(): void;
  /** The kept lines, in the order read. */
  lines(): LogLine[];
  /** The kept lines, in the order read, forgetting them: a follow hands lines on as they are decoded. */
  take(): LogLine[];
  /** Bytes of lines kept now (for tests and the memory bound). */
  readonly keptBytes: number;
}

export function createLogCollector(tty: boolean, limits: LogLimits): LogCollector {
  const { tail, maxLineBytes, maxTotalBytes } = limits;
  const keepBytes = maxLineBytes + PREFIX_ROOM;
  const perTask = new Map<string, Queue<Kept>>();
  let all = new Queue<Kept>();
  let keptBytes = 0;
  let stopped = false;

  let keptCount = 0;
  const drop = (k: Kept): void => {
    k.line = null;
    keptBytes -= k.cost;
    keptCount--;
  };

  const keep = (line: LogLine, cut: boolean): void => {
    if (tail <= 0) return;
    if (Buffer.byteLength(line.text) > maxLineBytes) {
      line.text = Buffer.from(line.text).subarray(0, maxLineBytes).toString('utf8').replace(/\uFFFD$/, '');
      cut = true;
    }
    if (cut) line.text += '…';
    const kept: Kept = { line, taskId: line.taskId, cost: Buffer.byteLength(line.text) + LINE_OVERHEAD };
    let queue = perTask.get(line.taskId);
    if (!queue) perTask.set(line.taskId, (queue = new Queue()));
    queue.push(kept);
    all.push(kept);
    keptBytes += kept.cost;
    keptCount++;
    if (queue.size > tail) drop(queue.shift()!);
    while (keptBytes > maxTotalBytes) {
      const old = all.shift();
      if (!old) break;
      if (old.line === null) continue;
      // The oldest line kept is the oldest of its task too, so it heads that task's queue.
      perTask.get(old.taskId)?.shift();
      drop(old);
    }
    while (all.peek()?.line === null) all.shift();
    // NOTE: lines dropped by a task's tail stay in `all` as tombstones while an older line of another task
    // heads it; compacting when they outnumber the kept lines keeps `all` within twice what is kept.
    if (all.size > 2 * keptCount + 1024) all.retain((k) => k.line !== null);
  };

  // Multiplexed frames: the header being read, then the payload (its first `keepBytes` bytes).
  const header = Buffer.alloc(8);
  let headerFill = 0;
  let stream: LogLine['stream'] = 'stdout';
  let remaining = -1; // payload bytes still to come; -1 while reading a header
  let payload: Buffer[] = [];
  let payloadFill = 0;
  let cut = false;

  const pushFrames = (chunk: Buffer): void => {
    let offset = 0;
    while (offset < chunk.length && !stopped) {
      if (remaining < 0) {
        const n = Math.min(8 - headerFill, chunk.length - offset);
        chunk.copy(header, headerFill, offset, offset + n);
        headerFill += n;
        offset += n;
        if (headerFill < 8) return;
        headerFill = 0;
        const type = header[0]!;
        if (type > 3 || header[1] !== 0 || header[2] !== 0 || header[3] !== 0) {
          stopped = true;
          return;
        }
        // 0 stdin, 1 stdout, 2 stderr, 3 the engine's own errors about the stream.
        stream = type === 2 || type === 3 ? 'stderr' : 'stdout';
        remaining = header.readUInt32BE(4);
        payload = [];
        payloadFill = 0;
        cut = false;
      }
      const n = Math.min(remaining, chunk.length - offset);
      const room = keepBytes - payloadFill;
      if (room > 0) {
        // Copied, not a view: a view would keep the whole chunk alive.
        payload.push(Buffer.from(chunk.subarray(offset, offset + Math.min(n, room))));
        payloadFill += Math.min(n, room);
      }
      if (n > room) cut = true;
      offset += n;
      remaining -= n;
      if (remaining === 0) {
        remaining = -1;
        const message = Buffer.concat(payload).toString('utf8');
        payload = [];
        keep(parseLogMessage(cut ? message.replace(/\uFFFD$/, '') : message, stream), cut);
      }
    }
  };

  // TTY: raw text; a message ends at "\n".
  let partial: Buffer[] = [];
  let partialFill = 0;
  let partialCut = false;
  const pushRaw = (chunk: Buffer): void => {
    let offset = 0;
    while (offset < chunk.length) {
      const newline = chunk.indexOf(10, offset);
      const end = newline < 0 ? chunk.length : newline;
      const room = keepBytes - partialFill;
      const n = end - offset;
      if (room > 0) {
        partial.push(Buffer.from(chunk.subarray(offset, offset + Math.min(n, room))));
        partialFill += Math.min(n, room);
      }
      if (n > room) partialCut = true;
      if (newline < 0) return;
      const message = Buffer.concat(partial).toString('utf8');
      if (partialFill > 0 || partialCut) keep(parseLogMessage(partialCut ? message.replace(/\uFFFD$/, '') : message, 'stdout'), partialCut);
      partial = [];
      partialFill = 0;
      partialCut = false;
      offset = newline + 1;
    }
  };

  return {
    push(chunk) {
      if (stopped) return false;
      if (tty) pushRaw(chunk);
      else pushFrames(chunk);
      return !stopped;
    },
    end() {
      if (tty && (partialFill > 0 || partialCut)) pushRaw(Buffer.from('\n'));
    },
    lines: () => all.values().flatMap((k) => (k.line ? [k.line] : [])),
    take() {
      const taken = all.values().flatMap((k) => (k.line ? [k.line] : []));
      all = new Queue();
      perTask.clear();
      keptBytes = 0;
      keptCount = 0;
      return taken;
    },
    get keptBytes() {
      return keptBytes;
    },
  };
}
