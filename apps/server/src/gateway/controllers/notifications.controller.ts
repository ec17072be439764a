import { Body, Controller, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { NotificationService } from '../../generated/glimpse/notification/v1/notification.js';
import { CurrentUser } from '../auth/auth.guards.js';
import type { Principal } from '../auth/principal.js';
import { parseRequest } from '../http/request-validation.js';
import { Route } from '../http/route.decorator.js';
import { routes } from '../http/routes.js';
import { NotificationStreams } from '../notifications/notification-streams.js';
import { NotificationPresenter } from '../presenters/notification.presenter.js';
import { NOTIFICATION_SERVICE } from '../tokens.js';

@Controller()
export class NotificationsController {
  constructor(
    @Inject(NOTIFICATION_SERVICE) private readonly notifications: NotificationService,
    @Inject(NotificationPresenter) private readonly presenter: NotificationPresenter,
    @Inject(NotificationStreams) private readonly streams: NotificationStreams,
  ) {}

  @Route(routes.listNotifications)
  async list(@CurrentUser() me: Principal, @Query() query: unknown) {
    const page = parseRequest(routes.listNotifications.query, query, 'query');
    const result = await this.notifications.listNotifications({
      recipientId: me.userId,
      limit: page.limit,
      cursor: page.cursor,
    });
    return {
      items: await this.presenter.present(result.items, me.userId),
      nextCursor: result.nextCursor ?? null,
    };
  }

  @Route(routes.unreadNotificationCount)
  async unreadCount(@CurrentUser() me: Principal) {
    const { count } = await this.notifications.getUnreadCount({ recipientId: me.userId });
    return { count: Number(count) };
  }

  @Route(routes.markNotificationsRead)
  async markRead(@CurrentUser() me: Principal, @Body() body: unknown): Promise<void> {
    const { upTo } = parseRequest(routes.markNotificationsRead.body, body ?? {}, 'body');
    await this.notifications.markRead({ recipientId: me.userId, ...(upTo !== undefined && { upTo }) });
  }

  /** The response is handed over to the stream, which writes it until the client leaves. */
  @Route(routes.notificationStream)
  async stream(
    @CurrentUser() me: Principal,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { lastEventId } = parseRequest(routes.notificationStream.query, query, 'query');
    const header = request.headers['last-event-id'];
    reply.hijack();
    await this.streams.open(
      { userId: me.userId, ...(me.expiresAt && { expiresAt: me.expiresAt }) },
      reply.raw,
      typeof header === 'string' ? header : lastEventId,
    );
  }
}
