import argon2 from 'argon2';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password; never throws for a well-formed hash. */
  verify(hash: string, password: string): Promise<boolean>;
}

export interface Argon2Options {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet's argon2id minimum: m=19 MiB, t=2, p=1. */
export const OWASP_ARGON2_OPTIONS: Argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** argon2id password hashes in PHC string form, which carries the salt and the parameters. */
export class Argon2PasswordHasher implements PasswordHasher {
  constructor(private readonly options: Argon2Options = OWASP_ARGON2_OPTIONS) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.options });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      // A stored hash that does not parse can never match; treat it as a wrong password.
      return false;
    }
  }
}
