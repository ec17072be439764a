import type { FastifyReply, FastifyRequest } from 'fastify';

import { problem } from '../http/problem.js';
import { sendProblem } from '../http/send-problem.js';
import type { RateLimitDecision, RateLimiter } from './rate-limiter.js';

export interface RateLimitSettings {
  /** RATE_LIMIT_MULTIPLIER: scales every limit except the failed-login one. */
  multiplier: number;
  onError: (err: unknown) => void;
}

const MINUTE = 60_000;
/** Per client address, signed in or not: generous, since many people can share one NAT. */
const PER_IP = 1200;
/** Per signed-in user, wherever they connect from. */
const PER_USER = 600;
/** Credential endpoints per address: the usual target of stuffing and scraping. */
const AUTH_PER_IP = 30;
const AUTH_PATHS = new Set(['/api/auth/signup', '/api/auth/login', '/api/auth/refresh']);
/**
 * Writes per signed-in user (posts, follows, and every other change): what a person does by
 * hand stays far below it, a script spamming posts does not.
 */
const WRITES_PER_USER = 120;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Uploads per user (routes whose spec says `rateLimitBucket: 'upload'`): bytes are costly. */
const UPLOADS_PER_USER = 60;

function isExempt(url: string): boolean {
  return !url.startsWith('/api/') || url.startsWith('/api/docs');
}

export function setRateLimitHeaders(reply: FastifyReply, decision: RateLimitDecision): void {
  reply.header('RateLimit-Limit', decision.limit);
  reply.header('RateLimit-Remaining', decision.remaining);
  reply.header('RateLimit-Reset', decision.resetSeconds);
}

export function rejectRateLimited(
  reply: FastifyReply,
  decision: RateLimitDecision,
  detail: string,
): FastifyReply {
  setRateLimitHeaders(reply, decision);
  reply.header('Retry-After', decision.resetSeconds);
  return sendProblem(reply, problem(429, detail, { type: '/problems/rate-limited' }));
}

/**
 * Applies the per-address, per-user, per-user write and upload, and credential-endpoint
 * limits, and reports the tightest one in RateLimit-* headers. If the cache is down the
 * request goes through: an outage of the limiter must not become an outage of the API.
 */
export function rateLimitHook(limiter: RateLimiter, settings: RateLimitSettings) {
  const scaled = (limit: number) => Math.max(1, Math.floor(limit * settings.multiplier));
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const path = request.url.split('?')[0] ?? request.url;
    if (isExempt(path)) return undefined;
    const checks: Array<[string, number]> = [[`ip:${request.ip}`, scaled(PER_IP)]];
    const user = request.principal?.userId;
    if (user !== undefined) {
      checks.push([`user:${user}`, scaled(PER_USER)]);
      if (WRITE_METHODS.has(request.method)) checks.push([`writes:${user}`, scaled(WRITES_PER_USER)]);
      if (request.routeOptions.config.rateLimitBucket === 'upload')
        checks.push([`uploads:${user}`, scaled(UPLOADS_PER_USER)]);
    }
    if (request.method === 'POST' && AUTH_PATHS.has(path))
      checks.push([`auth-ip:${request.ip}`, scaled(AUTH_PER_IP)]);
    let tightest: RateLimitDecision | undefined;
    try {
      for (const [key, limit] of checks) {
        const decision = await limiter.hit(key, limit, MINUTE);
        if (!decision.allowed)
          return rejectRateLimited(reply, decision, 'Too many requests; slow down and retry later.');
        if (!tightest || decision.remaining < tightest.remaining) tightest = decision;
      }
    } catch (err) {
      settings.onError(err);
      return undefined;
    }
    if (tightest) setRateLimitHeaders(reply, tightest);
    return undefined;
  };
}
