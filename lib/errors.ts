/**
 * Errors with stable codes, mapped to HTTP in one place (lib/http/errors.ts).
 * Tests assert `code`, never the message text.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'forbidden'
  | 'policy_denied'
  | 'not_found'
  | 'user_exists'
  | 'service_exists'
  | 'version_conflict'
  | 'self_delete'
  | 'last_admin'
  | 'no_previous_spec'
  | 'in_use'
  | 'object_exists'
  | 'payload_too_large'
  | 'misdirected_request'
  | 'rate_limited'
  | 'swarm_unavailable'
  | 'store_unavailable';

const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 413 | 421 | 429 | 502 | 503> = {
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  policy_denied: 403,
  not_found: 404,
  user_exists: 409,
  service_exists: 409,
  version_conflict: 409,
  self_delete: 409,
  last_admin: 409,
  no_previous_spec: 409,
  in_use: 409,
  object_exists: 409,
  payload_too_large: 413,
  misdirected_request: 421,
  rate_limited: 429,
  swarm_unavailable: 503,
  store_unavailable: 503,
};

/** An error the API answers with `{error: {code, message, details?}}` and the status of its code. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  /** Seconds, for 429 answers. */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: unknown; retryAfter?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS[code];
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** One bad field of a `validation_failed` answer: its dotted path (`(body)` for the body itself) and why. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** 400 `validation_failed`, whose `details` are always a list of `{field, message}` (docs/api.md). */
export const validationFailed = (message: string, problems: FieldProblem[]): AppError =>
  new AppError('validation_failed', message, { details: problems.map(({ field, message: m }) => ({ field, message: m })) });

/** 400 `validation_failed` for one field, the message doubling as the answer's. */
export const invalidField = (field: string, message: string): AppError => validationFailed(message, [{ field, message }]);
