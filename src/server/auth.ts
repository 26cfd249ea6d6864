import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * preHandler for write and admin routes: with an auth token configured, the request must carry
 * it as a bearer token. Digests are compared so that the time taken reveals nothing.
 */
export async function requireAuth(request: FastifyRequest): Promise<void> {
  const expected = request.server.authToken;
  if (expected === undefined) return;
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (match && timingSafeEqual(digest(match[1].trim()), digest(expected))) return;
  throw new ApiError(401, 'unauthorized', 'a valid Authorization: Bearer <token> is required');
}
