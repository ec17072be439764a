/** Who is calling, as proven by a valid access token. */
export interface Principal {
  userId: string;
  username: string;
  /** An operator (the token's admin role). */
  admin?: boolean;
  /** When the token proving it expires: long-lived responses (streams) end there. */
  expiresAt?: Date;
}

/** Verifies access tokens; the auth service's token issuer satisfies it. */
export interface AccessTokenVerifier {
  verify(token: string): Promise<Principal>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request carried a valid bearer token. */
    principal?: Principal;
    /** Set when the request carried a bearer token that did not verify. */
    authError?: string;
  }
}
