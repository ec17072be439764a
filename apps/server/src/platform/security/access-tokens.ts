import { randomUUID } from 'node:crypto';

import { errors, jwtVerify, SignJWT } from 'jose';

import { DomainError } from '../errors.js';

export const ACCESS_TOKEN_ISSUER = 'glimpse';
export const ACCESS_TOKEN_AUDIENCE = 'glimpse-api';
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 900;
/** HS256 is only as strong as its key: RFC 7518 §3.2 asks for at least 256 bits. */
export const MIN_SECRET_BYTES = 32;

export interface AccessTokenClaims {
  userId: string;
  username: string;
  /** Operators: the `role: "admin"` claim. Absent means an ordinary user. */
  admin?: boolean;
}

/** What a verified token says: its claims and when it stops being valid. */
export interface VerifiedAccessToken extends AccessTokenClaims {
  expiresAt: Date;
}

const ADMIN_ROLE = 'admin';

export interface SignedAccessToken {
  token: string;
  /** Seconds until the token expires. */
  expiresIn: number;
}

export interface AccessTokensOptions {
  /** The HS256 key; a string is taken as UTF-8. At least 32 bytes. */
  secret: string | Uint8Array;
  ttlSeconds?: number;
  /** Injected so tests can sign and verify at chosen instants. */
  now?: () => Date;
}

/**
 * Short-lived JWT access tokens. The auth service signs them and the gateway verifies them
 * locally with the same secret, so a request needs no round trip to the auth service.
 */
export class AccessTokens {
  private readonly key: Uint8Array;
  private readonly ttlSeconds: number;
  private readonly now: () => Date;

  constructor(options: AccessTokensOptions) {
    this.key = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    if (this.key.byteLength < MIN_SECRET_BYTES) {
      throw new Error(`The access token secret must be at least ${MIN_SECRET_BYTES} bytes long`);
    }
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds <= 0) {
      throw new Error(
        `The access token TTL must be a positive whole number of seconds, got ${this.ttlSeconds}`,
      );
    }
    this.now = options.now ?? (() => new Date());
  }

  async sign(claims: AccessTokenClaims): Promise<SignedAccessToken> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const token = await new SignJWT({
      username: claims.username,
      ...(claims.admin === true && { role: ADMIN_ROLE }),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(claims.userId)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(this.key);
    return { token, expiresIn: this.ttlSeconds };
  }

  /** Throws `DomainError.unauthenticated` for any token that is not ours, altered or expired. */
  async verify(token: string): Promise<VerifiedAccessToken> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        currentDate: this.now(),
        requiredClaims: ['sub', 'exp'],
      });
      const { sub, username, role, exp } = payload;
      if (typeof sub !== 'string' || !/^\d+$/.test(sub) || typeof username !== 'string') {
        throw DomainError.unauthenticated('Invalid access token');
      }
      return {
        userId: sub,
        username,
        ...(role === ADMIN_ROLE && { admin: true }),
        // Required above, so present; seconds since the epoch.
        expiresAt: new Date((exp ?? 0) * 1000),
      };
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw DomainError.unauthenticated('Access token expired');
      if (err instanceof DomainError) throw err;
      throw DomainError.unauthenticated('Invalid access token');
    }
  }
}
