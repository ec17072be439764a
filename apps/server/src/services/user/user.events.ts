/** Events the user service publishes (through the outbox), keyed by the followee id. */
export const FOLLOW_CREATED = 'follow.created';
export const FOLLOW_REMOVED = 'follow.removed';

export interface FollowCreatedPayload {
  followerId: string;
  followeeId: string;
  followId: string;
  /** ISO 8601 UTC. */
  createdAt: string;
}

export interface FollowRemovedPayload {
  followerId: string;
  followeeId: string;
  /** The id of the follow that ended (a later re-follow gets a new one). */
  followId: string;
  /** ISO 8601 UTC. */
  removedAt: string;
}
