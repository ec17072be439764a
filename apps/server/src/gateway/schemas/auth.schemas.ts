import { z } from 'zod';

import { requestSchema, responseSchema } from './registry.js';
import { MeSchema } from './users.schemas.js';

export const SignupBody = requestSchema(
  'SignupRequest',
  z.object({
    username: z
      .string()
      .min(3)
      .max(30)
      .regex(/^[A-Za-z0-9._]+$/, 'may contain only letters, digits, "." and "_"'),
    email: z.email().max(254),
    password: z.string().min(8).max(128),
    displayName: z.string().trim().max(64).optional(),
  }),
);

export const LoginBody = requestSchema(
  'LoginRequest',
  z.object({
    login: z.string().min(1).max(254).describe('username or email'),
    password: z.string().min(1).max(128),
  }),
);

export const RefreshBody = requestSchema(
  'RefreshRequest',
  z.object({ refreshToken: z.string().min(1).max(512) }),
);

export const LogoutBody = requestSchema(
  'LogoutRequest',
  z.object({ refreshToken: z.string().min(1).max(512) }),
);

export const TokenPairSchema = responseSchema(
  'TokenPair',
  z.object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().describe('seconds until the access token expires'),
  }),
);

export const AuthSessionSchema = responseSchema('AuthSession', TokenPairSchema.extend({ user: MeSchema }));
