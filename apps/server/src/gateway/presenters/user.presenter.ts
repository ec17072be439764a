import type { z } from 'zod';

import type { Account } from '../../generated/glimpse/auth/v1/auth.js';
import type { Profile, Summary, SummaryPage } from '../../generated/glimpse/user/v1/user.js';
import type { MeSchema, UserSchema, UserSummarySchema } from '../schemas/users.schemas.js';

export type UserSummaryDto = z.output<typeof UserSummarySchema>;
export type UserDto = z.output<typeof UserSchema>;
export type MeDto = z.output<typeof MeSchema>;

/*
 * Avatars are media. Until the user routes and the post hydrator look them up (in the same
 * batch as the posts' photos, which needs room in the media service's batch limit), every
 * avatar is null.
 */

export function toUserSummary(summary: Summary | Profile): UserSummaryDto {
  return { id: summary.id, username: summary.username, displayName: summary.displayName, avatar: null };
}

export function toUser(profile: Profile): UserDto {
  return {
    ...toUserSummary(profile),
    bio: profile.bio,
    followerCount: Number(profile.followerCount),
    followingCount: Number(profile.followingCount),
    postCount: Number(profile.postCount),
    createdAt: profile.createdAt,
    viewer: profile.viewer
      ? { following: profile.viewer.following, followedBy: profile.viewer.followedBy }
      : null,
  };
}

export function toMe(profile: Profile, account: Account): MeDto {
  return { ...toUser(profile), email: account.email };
}

export function toSummaryPage(page: SummaryPage): { items: UserSummaryDto[]; nextCursor: string | null } {
  return { items: page.items.map(toUserSummary), nextCursor: page.nextCursor ?? null };
}
