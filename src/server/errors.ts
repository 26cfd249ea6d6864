import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { READ_TIMEOUT_SECONDS } from '../funnel/funnelReads.ts';

/** What every error response says: `{error: {code, message, details?}}`, never a stack. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** The one error type of the HTTP layer: a status, a stable code and a message for people. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

export type RequestPart = 'body' | 'querystring' | 'params';

/** Parses one part of a request with its zod schema; a failure is a 400 naming the parameter. */
export function parseRequest<T extends z.ZodType>(
  schema: T,
  value: unknown,
  part: RequestPart,
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidRequest(parsed.error, part);
}

function invalidRequest(error: z.ZodError, part?: RequestPart): ApiError {
  const details = error.issues.map((i) => ({
    path: [...(part ? [part] : []), ...i.path].join('.') || 'request',
    message: i.message,
  }));
  const message = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  return new ApiError(400, 'invalid_request', message, details);
}

/** Fastify's own errors (body parsing, schema validation) mapped to our codes. */
const fastifyCodes: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'body is not JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'body is empty' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type' },
};

function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof z.ZodError) return invalidRequest(error);
  const fastifyError = error as FastifyError;
  // Fastify's message names the part and the parameter: "querystring/startDate must …".
  if (fastifyError.validation) return new ApiError(400, 'invalid_request', error.message);
  const known = fastifyCodes[fastifyError.code];
  if (known) return new ApiError(known.status, known.code, known.message ?? error.message);
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) return new ApiError(status, 'bad_request', error.message);
  if (rootCause(error).code === QUERY_CANCELED) {
    const message = `the read took longer than ${READ_TIMEOUT_SECONDS} s; shorten the range`;
    return new ApiError(503, 'read_timeout', message);
  }
  return new ApiError(500, 'internal_error', 'internal server error');
}

/** PostgreSQL's code for a statement cancelled by statement_timeout. */
const QUERY_CANCELED = '57014';

/**
 * The innermost cause, as a plain object: a query wrapper's message quotes the statement's
 * parameters, user IDs among them, which must stay out of the logs.
 */
function rootCause(error: Error): Record<string, unknown> {
  let root = error;
  while (root.cause instanceof Error) root = root.cause;
  const code = (root as { code?: unknown }).code;
  return { type: root.name, message: root.message, code, stack: root.stack };
}

/** The app's error handler: 4xx logged at warn, 5xx at error with the cause, nothing leaked. */
export function handleError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const apiError = toApiError(error);
  const logged = { status: apiError.statusCode, code: apiError.code };
  if (apiError.statusCode >= 500)
    request.log.error({ ...logged, cause: rootCause(error) }, apiError.message);
  else request.log.warn(logged, apiError.message);

  const body: ErrorBody = { error: { code: apiError.code, message: apiError.message } };
  if (apiError.details !== undefined) body.error.details = apiError.details;
  return reply.status(apiError.statusCode).send(body);
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const message = `no route ${request.method} ${request.url.split('?')[0]}`;
  return reply.status(404).send({ error: { code: 'not_found', message } } satisfies ErrorBody);
}
