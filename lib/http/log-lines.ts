/**
 * Log lines as an HTTP answer that is written while it is read: NDJSON (one LogLine object per line) or plain
 * text (`<time> <stream> <taskId> <text>` per line). The body is pulled: a line is taken from the source only
 * when the client has read the one before, so a slow client slows the engine down instead of filling memory.
 */
import { isAppError } from '../errors.ts';
import type { LogLine } from '../swarm/swarm.ts';
import { errorBody } from './errors.ts';

export type LogFormat = 'ndjson' | 'text';

/** `Accept: text/plain` (listed first) asks for the plain download; anything else gets the JSON shapes. */
export const logFormatFor = (accept: string | undefined): LogFormat | 'json' => (/^\s*text\/plain\b/i.test(accept ?? '') ? 'text' : 'json');

export const plainLogLine = (line: LogLine): string => `${line.time} ${line.stream} ${line.taskId} ${line.text}\n`;

const formatLine = (line: LogLine, format: LogFormat): string => (format === 'text' ? plainLogLine(line) : `${JSON.stringify(line)}\n`);

const CONTENT_TYPE: Record<LogFormat, string> = { ndjson: 'application/x-ndjson', text: 'text/plain; charset=utf-8' };

export interface LogLinesResponseOptions {
  format: LogFormat;
  /** Only lines whose text contains it. */
  filter?: string;
  /** The file name a browser saves a plain answer under. */
  download?: string;
  /** Called once when the body ends for any reason: the client went away, the source ended or failed. */
  onClose?: () => void;
}

export function logLinesResponse(source: AsyncIterable<LogLine>, options: LogLinesResponseOptions): Response {
  const { format, filter } = options;
  const iterator = source[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    options.onClose?.();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const next = await iterator.next();
          // Cancelled while waiting: the controller is closed already.
          if (closed && !next.done) return;
          if (next.done) {
            if (closed) return;
            close();
            return controller.close();
          }
          if (filter !== undefined && !next.value.text.includes(filter)) continue;
          return controller.enqueue(encoder.encode(formatLine(next.value, format)));
        }
      } catch (error) {
        if (closed) return;
        // The status is sent already: the answer's last line says why it ends.
        if (!isAppError(error)) console.error(JSON.stringify({ level: 'error', msg: 'log stream failed', error: String((error as Error)?.stack ?? error) }));
        const failure = isAppError(error) ? errorBody(error) : { error: { code: 'internal_error', message: 'Internal error' } };
        const last = format === 'text' ? `# error: ${failure.error.code}: ${failure.error.message}\n` : `${JSON.stringify(failure)}\n`;
        controller.enqueue(encoder.encode(last));
        close();
        controller.close();
      }
    },
    async cancel() {
      close();
      await iterator.return?.();
    },
  });
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[format], 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (format === 'text' && options.download) headers['content-disposition'] = `attachment; filename="${options.download.replace(/[^A-Za-z0-9_.-]/g, '_')}.log"`;
  return new Response(body, { status: 200, headers });
}

/** A finished list of lines in the same shapes. */
export async function* linesOf(lines: readonly LogLine[]): AsyncIterable<LogLine> {
  yield* lines;
}
