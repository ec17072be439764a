import { Module, type DynamicModule } from '@nestjs/common';

import type { AuthService } from '../generated/glimpse/auth/v1/auth.js';
import type { UserService } from '../generated/glimpse/user/v1/user.js';
import { OpsModule, type OpsOptions } from '../platform/health/ops.module.js';
import { AuthOptional, AuthRequired } from './auth/auth.guards.js';
import { AuthController } from './controllers/auth.controller.js';
import { FollowsController } from './controllers/follows.controller.js';
import { UsersController } from './controllers/users.controller.js';
import type { LoginThrottle } from './rate-limit/login-throttle.js';
import { AUTH_SERVICE, LOGIN_THROTTLE, USER_SERVICE } from './tokens.js';

export interface GatewayModuleOptions extends OpsOptions {
  auth: AuthService;
  users: UserService;
  loginThrottle: LoginThrottle;
}

/**
 * The HTTP edge. It depends only on the services' generated contracts, satisfied in process
 * or by gRPC clients: the wiring decides, the controllers cannot tell.
 */
@Module({})
export class GatewayModule {
  static register(options: GatewayModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [OpsModule.register(options)],
      controllers: [AuthController, UsersController, FollowsController],
      providers: [
        AuthRequired,
        AuthOptional,
        { provide: AUTH_SERVICE, useValue: options.auth },
        { provide: USER_SERVICE, useValue: options.users },
        { provide: LOGIN_THROTTLE, useValue: options.loginThrottle },
      ],
    };
  }
}
