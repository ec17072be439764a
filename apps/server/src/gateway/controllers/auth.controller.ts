import { Body, Controller, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import type { AuthService, Session } from '../../generated/glimpse/auth/v1/auth.js';
import type { UserService } from '../../generated/glimpse/user/v1/user.js';
import { isDomainError } from '../../platform/errors.js';
import { parseRequest } from '../http/request-validation.js';
import { Route } from '../http/route.decorator.js';
import { routes } from '../http/routes.js';
import { toMe } from '../presenters/user.presenter.js';
import { rejectRateLimited } from '../rate-limit/rate-limit.hook.js';
import type { LoginThrottle } from '../rate-limit/login-throttle.js';
import { AUTH_SERVICE, LOGIN_THROTTLE, USER_SERVICE } from '../tokens.js';

@Controller()
export class AuthController {
  constructor(
    @Inject(AUTH_SERVICE) private readonly auth: AuthService,
    @Inject(USER_SERVICE) private readonly users: UserService,
    @Inject(LOGIN_THROTTLE) private readonly throttle: LoginThrottle,
  ) {}

  @Route(routes.signup)
  async signup(@Body() body: unknown) {
    const input = parseRequest(routes.signup.body, body, 'body');
    const session = await this.auth.signup(input);
    return this.sessionResponse(session);
  }

  @Route(routes.login)
  async login(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const input = parseRequest(routes.login.body, body, 'body');
    // With the cache down the throttle cannot count; logins go on (argon2 still slows guessing).
    const allowance = await this.throttle.check(input.login).catch(() => undefined);
    if (allowance && !allowance.allowed) {
      return rejectRateLimited(
        reply,
        allowance,
        'Too many failed sign-in attempts for this account; try again later.',
      );
    }
    try {
      return await this.sessionResponse(await this.auth.login(input));
    } catch (err) {
      if (isDomainError(err) && err.kind === 'unauthenticated')
        await this.throttle.recordFailure(input.login).catch(() => undefined);
      throw err;
    }
  }

  @Route(routes.refresh)
  async refresh(@Body() body: unknown) {
    const input = parseRequest(routes.refresh.body, body, 'body');
    const tokens = await this.auth.refresh(input);
    return {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresIn: tokens.expiresIn,
    };
  }

  @Route(routes.logout)
  async logout(@Body() body: unknown): Promise<void> {
    const input = parseRequest(routes.logout.body, body, 'body');
    await this.auth.logout(input);
  }

  private async sessionResponse(session: Session) {
    const [profile, account] = await Promise.all([
      this.users.getProfile({ by: { $case: 'userId', value: session.userId } }),
      this.auth.getAccount({ userId: session.userId }),
    ]);
    const tokens = session.tokens;
    if (!tokens) throw new Error('auth service returned a session without tokens');
    return {
      user: toMe(profile, account),
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresIn: tokens.expiresIn,
    };
  }
}
