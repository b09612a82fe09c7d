/**
 * A function's input: the JSON body of a POST (whatever its Content-Type, since `faas-cli invoke` sends
 * text/plain) or the query of a GET. The body is read with its size bounded while reading, so a body
 * without a length (chunked) cannot grow the process past the limit. Every failure is a 4xx.
 */
import { z } from 'zod';
import { AppError, type FieldProblem } from '../errors.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export type { FieldProblem };

export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

const tooLarge = (limit: number) => new AppError('payload_too_large', `Body larger than ${limit} bytes`);

/** The body as text, refusing with 413 as soon as more than `limit` bytes arrived. */
export async function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

async function readBody(request: Request): Promise<unknown> {
  const text = (await readBodyText(request)).trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('validation_failed', 'Body is not valid JSON', { details: [{ field: '(body)', message: 'invalid JSON' }] });
  }
}

function readQuery(url: string): Record<string, string> {
  if (!url.includes('?')) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of new URL(url).searchParams) out[key] = value;
  return out;
}

const NO_INPUT = z.object({}).loose();

/** Reads and validates the input; `schema` null means "none", but a body must still be JSON (or empty). */
export async function readInput<S extends z.ZodType>(request: Request, schema: S | null): Promise<z.output<S>> {
  const raw = request.method === 'GET' ? readQuery(request.url) : await readBody(request);
  const result = (schema ?? NO_INPUT).safeParse(raw);
  if (!result.success) throw new AppError('validation_failed', 'Invalid input', { details: fieldProblems(result.error) });
  return result.data as z.output<S>;
}

/** A JSON integer in [min, max]; nothing is coerced (null, "", "6", [6] and true are refused). */
export const integer = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * For read-only functions, whose input may come as GET query parameters (always text): a JSON integer, or
 * a string of decimal digits and nothing else, in [min, max].
 */
export const queryInteger = (min: number, max: number) =>
  z.union([z.number(), z.string().regex(/^-?\d{1,16}$/, 'an integer').transform(Number)]).pipe(integer(min, max));
