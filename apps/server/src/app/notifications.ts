import type { Logger } from 'pino';

import type { Config } from '../platform/config/config.js';
import type { IdGenerator } from '../platform/ids/snowflake.js';
import { notificationChannel } from '../platform/pubsub/channels.js';
import type { PubSub } from '../platform/pubsub/pubsub.port.js';
import type { SqlDatabase } from '../platform/sql/sql.port.js';
import { NotificationServiceImpl } from '../services/notification/notification.service.js';
import { SqlNotificationsRepository } from '../services/notification/notifications.repository.js';

export interface NotificationServiceWiring {
  config: Config;
  sql: SqlDatabase;
  pubsub: PubSub;
  ids: IdGenerator;
  logger: Logger;
}

/**
 * The notification service as this process runs it (for its gRPC API and for its consumer):
 * every committed change is announced on the recipient's channel, where the gateways' streams
 * listen. The announcement is only a wake-up: one lost to a pub/sub outage is made up by the
 * streams' catch-up, so a failed publish is logged, never retried or thrown.
 */
export function notificationService(wiring: NotificationServiceWiring): NotificationServiceImpl {
  const { pubsub, logger } = wiring;
  const onAnnounceError = (err: unknown) =>
    logger.warn({ err }, 'notification change not announced; streams catch up on their own');
  return new NotificationServiceImpl({
    notifications: new SqlNotificationsRepository(wiring.sql, wiring.ids),
    groupWindowMs: wiring.config.notifications.groupWindowSeconds * 1000,
    announce: (recipientId) => {
      pubsub.publish(notificationChannel(recipientId), '').catch(onAnnounceError);
    },
    onAnnounceError,
  });
}
