import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';

import { DomainError } from '../errors.js';
import { AccessTokens } from './access-tokens.js';

const secret = 'a-test-secret-that-is-at-least-32-bytes-long';
const claims = { userId: '7318624129073152', username: 'ada' };

async function expectUnauthenticated(promise: Promise<unknown>, message: string): Promise<void> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect(err).toMatchObject({ kind: 'unauthenticated', message });
}

describe('AccessTokens', () => {
  it('signs an HS256 JWT that verifies back to the same claims', async () => {
    const tokens = new AccessTokens({ secret });
    const { token, expiresIn } = await tokens.sign(claims);
    expect(expiresIn).toBe(900);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({
      iss: 'glimpse',
      aud: 'glimpse-api',
      sub: claims.userId,
      username: 'ada',
    });
    expect(typeof payload.jti).toBe('string');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);
    await expect(tokens.verify(token)).resolves.toMatchObject(claims);
    expect((await tokens.verify(token)).expiresAt.getTime()).toBe((payload.exp ?? 0) * 1000);
  });

  it('carries the admin role only when asked, and only a verified token grants it', async () => {
    const tokens = new AccessTokens({ secret });
    const admin = await tokens.sign({ ...claims, admin: true });
    expect(decodeJwt(admin.token)).toMatchObject({ role: 'admin' });
    await expect(tokens.verify(admin.token)).resolves.toMatchObject({ ...claims, admin: true });
    expect(decodeJwt((await tokens.sign(claims)).token)).not.toHaveProperty('role');
    const forged = await new SignJWT({ username: 'ada', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('glimpse')
      .setAudience('glimpse-api')
      .setSubject(claims.userId)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('another-secret-that-is-at-least-32-bytes'));
    await expectUnauthenticated(tokens.verify(forged.toString()), 'Invalid access token');
  });

  it('gives every token its own jti', async () => {
    const tokens = new AccessTokens({ secret });
    const first = decodeJwt((await tokens.sign(claims)).token);
    const second = decodeJwt((await tokens.sign(claims)).token);
    expect(first.jti).not.toBe(second.jti);
  });

  it('uses the configured TTL', async () => {
    const tokens = new AccessTokens({ secret, ttlSeconds: 60 });
    const { token, expiresIn } = await tokens.sign(claims);
    expect(expiresIn).toBe(60);
    const payload = decodeJwt(token);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(60);
  });

  it('rejects an expired token', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const tokens = new AccessTokens({ secret, ttlSeconds: 60, now: () => now });
    const { token } = await tokens.sign(claims);
    now = new Date('2026-01-01T00:00:59Z');
    await expect(tokens.verify(token)).resolves.toMatchObject(claims);
    now = new Date('2026-01-01T00:01:00Z');
    await expectUnauthenticated(tokens.verify(token), 'Access token expired');
  });

  it('rejects a token signed with another secret', async () => {
    const other = new AccessTokens({ secret: 'another-secret-that-is-at-least-32-bytes' });
    const { token } = await other.sign(claims);
    await expectUnauthenticated(new AccessTokens({ secret }).verify(token), 'Invalid access token');
  });

  it('rejects a tampered token', async () => {
    const tokens = new AccessTokens({ secret });
    const { token } = await tokens.sign(claims);
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: '1' })).toString(
      'base64url',
    );
    await expectUnauthenticated(
      tokens.verify(`${header}.${forgedPayload}.${signature}`),
      'Invalid access token',
    );
  });

  it('rejects unsigned tokens, garbage and tokens for another audience or issuer', async () => {
    const tokens = new AccessTokens({ secret });
    const key = new TextEncoder().encode(secret);
    const unsigned = new UnsecuredJWT({ username: 'ada' })
      .setIssuer('glimpse')
      .setAudience('glimpse-api')
      .setSubject(claims.userId)
      .setExpirationTime('5m')
      .encode();
    const otherAudience = await new SignJWT({ username: 'ada' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('glimpse')
      .setAudience('someone-else')
      .setSubject(claims.userId)
      .setExpirationTime('5m')
      .sign(key);
    const otherIssuer = await new SignJWT({ username: 'ada' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('not-glimpse')
      .setAudience('glimpse-api')
      .setSubject(claims.userId)
      .setExpirationTime('5m')
      .sign(key);
    const noUsername = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('glimpse')
      .setAudience('glimpse-api')
      .setSubject(claims.userId)
      .setExpirationTime('5m')
      .sign(key);
    for (const token of [unsigned, otherAudience, otherIssuer, noUsername, '', 'abc', 'a.b.c']) {
      await expectUnauthenticated(tokens.verify(token), 'Invalid access token');
    }
  });

  it('refuses short secrets and nonsensical TTLs at construction', () => {
    expect(() => new AccessTokens({ secret: 'short' })).toThrow(/at least 32 bytes/);
    expect(() => new AccessTokens({ secret, ttlSeconds: 0 })).toThrow(/TTL/);
    expect(() => new AccessTokens({ secret: new Uint8Array(32) })).not.toThrow();
  });
});
