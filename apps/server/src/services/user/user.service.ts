import { z } from 'zod';

import type {
  CountUsersRequest,
  CreateProfileRequest,
  FolloweeList,
  FollowRequest,
  FollowResult,
  GetProfileRequest,
  GetSummariesRequest,
  ListFollowerIdsRequest,
  ListFollowingIdsRequest,
  ListFollowsRequest,
  Profile,
  UserCount,
  SearchUsersRequest,
  Summary,
  SummaryList,
  SummaryPage,
  UpdateProfileRequest,
  UserIdPage,
  UserService,
} from '../../generated/glimpse/user/v1/user.js';
import { EventFactory } from '../../platform/events/event-factory.js';
import { DomainError, type FieldError } from '../../platform/errors.js';
import { isId } from '../../platform/ids/snowflake.js';
import { clampLimit, decodeCursor, toPage, type Page } from '../../platform/pagination/cursor.js';
import type { FollowsRepository } from './follows.repository.js';
import type {
  ProfileChanges,
  ProfileRecord,
  ProfilesRepository,
  SummaryRecord,
} from './profiles.repository.js';
import {
  FOLLOW_CREATED,
  FOLLOW_REMOVED,
  type FollowCreatedPayload,
  type FollowRemovedPayload,
} from './user.events.js';
import {
  BIO_MAX_LENGTH,
  displayNameProblem,
  followerIdsLimit,
  MAX_FOLLOWING,
  normalizeUsername,
  textLength,
  usernameProblem,
} from './user.rules.js';

export interface UserServiceDeps {
  profiles: ProfilesRepository;
  follows: FollowsRepository;
  /** Source of 64-bit time-sortable ids (follows, events). */
  ids: { next(): string };
  now?: () => Date;
  /** The W3C trace context to stamp on events, when tracing is on. */
  traceparent?: () => string | undefined;
}

// The follow id goes into a bigint comparison: one out of range would be a database error.
const followCursor = z.object({ id: z.string().refine(isId) });
const searchCursor = z.object({ u: z.string().min(1).max(64) });

/** Profiles and the follow graph. Transport-agnostic: the gateway and gRPC call it alike. */
export class UserServiceImpl implements UserService {
  private readonly profiles: ProfilesRepository;
  private readonly follows: FollowsRepository;
  private readonly ids: { next(): string };
  private readonly now: () => Date;
  private readonly events: EventFactory;

  constructor(deps: UserServiceDeps) {
    this.profiles = deps.profiles;
    this.follows = deps.follows;
    this.ids = deps.ids;
    this.now = deps.now ?? (() => new Date());
    this.events = new EventFactory(deps.ids, deps.traceparent);
  }

  async createProfile(request: CreateProfileRequest): Promise<Profile> {
    const errors: FieldError[] = [];
    if (!isId(request.userId)) errors.push({ path: 'userId', message: 'must be a user id' });
    const usernameError = usernameProblem(request.username);
    if (usernameError !== undefined) errors.push({ path: 'username', message: usernameError });
    const displayName = request.displayName.trim();
    const displayNameError = displayNameProblem(displayName, { required: false });
    if (displayNameError !== undefined) errors.push({ path: 'displayName', message: displayNameError });
    if (errors.length > 0) throw DomainError.invalid('Invalid profile', errors);

    const username = normalizeUsername(request.username);
    await this.profiles.insertIfAbsent({
      userId: request.userId,
      username,
      displayName: displayName === '' ? username : displayName,
    });
    // Whether or not this call inserted it, the stored profile is the answer (idempotent by id).
    const profile = await this.profiles.findById(request.userId);
    if (profile === undefined) {
      throw DomainError.conflict('Username is taken', [{ path: 'username', message: 'is already taken' }]);
    }
    return toProfile(profile);
  }

  async getProfile(request: GetProfileRequest): Promise<Profile> {
    const profile = await this.findProfile(request);
    if (profile === undefined) throw DomainError.notFound('User not found');
    const viewerId = request.viewerId;
    // No viewer state when looking at oneself or when signed out.
    if (viewerId === undefined || viewerId === profile.userId || !isId(viewerId)) {
      return toProfile(profile);
    }
    const relationship = await this.follows.relationship(viewerId, profile.userId);
    return {
      ...toProfile(profile),
      viewer: { following: relationship.following, followedBy: relationship.followedBy },
    };
  }

  async getSummaries(request: GetSummariesRequest): Promise<SummaryList> {
    const ids = [...new Set(request.userIds)].filter(isId);
    const records = await this.profiles.findSummaries(ids);
    const byId = new Map(records.map((record) => [record.userId, record]));
    // In request order, which is what hydration wants.
    const items = ids.flatMap((id) => {
      const record = byId.get(id);
      return record === undefined ? [] : [toSummary(record)];
    });
    return { items };
  }

  async updateProfile(request: UpdateProfileRequest): Promise<Profile> {
    const errors: FieldError[] = [];
    const changes: ProfileChanges = {};
    if (request.displayName !== undefined) {
      const displayName = request.displayName.trim();
      const problem = displayNameProblem(displayName, { required: true });
      if (problem === undefined) changes.displayName = displayName;
      else errors.push({ path: 'displayName', message: problem });
    }
    if (request.bio !== undefined) {
      const bio = request.bio.trim();
      if (textLength(bio) > BIO_MAX_LENGTH) {
        errors.push({ path: 'bio', message: `must be at most ${BIO_MAX_LENGTH} characters` });
      } else changes.bio = bio;
    }
    if (request.avatarMediaId !== undefined && request.clearAvatar) {
      errors.push({ path: 'avatarMediaId', message: 'cannot be set together with clearAvatar' });
    } else if (request.clearAvatar) {
      changes.avatarMediaId = null;
    } else if (request.avatarMediaId !== undefined) {
      const problem = await this.avatarProblem(request.userId, request.avatarMediaId);
      if (problem === undefined) changes.avatarMediaId = request.avatarMediaId;
      else errors.push({ path: 'avatarMediaId', message: problem });
    }
    if (errors.length > 0) throw DomainError.invalid('Invalid profile', errors);

    if (!isId(request.userId)) throw DomainError.notFound('User not found');
    const profile =
      Object.keys(changes).length === 0
        ? await this.profiles.findById(request.userId)
        : await this.profiles.update(request.userId, changes);
    if (profile === undefined) throw DomainError.notFound('User not found');
    return toProfile(profile);
  }

  async searchUsers(request: SearchUsersRequest): Promise<SummaryPage> {
    // A leading @ is how people write usernames; it is never part of one.
    const prefix = request.query.trim().replace(/^@/, '').toLowerCase();
    if (prefix === '') return { items: [] };
    const limit = clampLimit(request.limit);
    const after = request.cursor ? decodeCursor(request.cursor, searchCursor).u : undefined;
    const rows = await this.profiles.search(prefix, after, limit + 1);
    return toSummaryPage(toPage(rows, limit, (last) => ({ u: last.username })));
  }

  async follow(request: FollowRequest): Promise<FollowResult> {
    const followee = await this.followee(request);
    const now = this.now();
    const followId = this.ids.next();
    const event = this.events.create<FollowCreatedPayload>(
      FOLLOW_CREATED,
      followee.userId,
      { followerId: request.followerId, followeeId: followee.userId, followId, createdAt: now.toISOString() },
      now,
    );
    const outcome = await this.follows.follow(
      { id: followId, followerId: request.followerId, followeeId: followee.userId, createdAt: now },
      event,
    );
    return { following: true, followerCount: outcome.followerCount };
  }

  async unfollow(request: FollowRequest): Promise<FollowResult> {
    const followee = await this.followee(request);
    const now = this.now();
    const outcome = await this.follows.unfollow(request.followerId, followee.userId, (followId) =>
      this.events.create<FollowRemovedPayload>(
        FOLLOW_REMOVED,
        followee.userId,
        {
          followerId: request.followerId,
          followeeId: followee.userId,
          followId,
          removedAt: now.toISOString(),
        },
        now,
      ),
    );
    return { following: false, followerCount: outcome.followerCount };
  }

  async listFollowers(request: ListFollowsRequest): Promise<SummaryPage> {
    const { user, before, limit } = await this.followListQuery(request);
    const rows = await this.follows.listFollowers(user.userId, before, limit + 1);
    return toSummaryPage(toPage(rows, limit, followCursorOf));
  }

  async listFollowing(request: ListFollowsRequest): Promise<SummaryPage> {
    const { user, before, limit } = await this.followListQuery(request);
    const rows = await this.follows.listFollowing(user.userId, before, limit + 1);
    return toSummaryPage(toPage(rows, limit, followCursorOf));
  }

  async listFollowerIds(request: ListFollowerIdsRequest): Promise<UserIdPage> {
    const limit = followerIdsLimit(request.limit);
    const before = request.cursor ? decodeCursor(request.cursor, followCursor).id : undefined;
    if (!isId(request.userId)) throw DomainError.notFound('User not found');
    const rows = await this.follows.listFollowerIds(request.userId, before, limit + 1);
    // Nobody follows an unknown user, so only an empty page needs the look-up that tells
    // "no followers (left)" from "no such user": the fanout's pages cost one query each.
    if (rows.length === 0 && (await this.profiles.findById(request.userId)) === undefined) {
      throw DomainError.notFound('User not found');
    }
    const page = toPage(rows, limit, followCursorOf);
    return {
      userIds: page.items.map((row) => row.userId),
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    };
  }

  /** An unknown user follows nobody: an empty list, not NOT_FOUND (it saves the look-up). */
  async countUsers(_request: CountUsersRequest): Promise<UserCount> {
    const { count, exact } = await this.profiles.count();
    return { count: String(count), exact };
  }

  async listFollowingIds(request: ListFollowingIdsRequest): Promise<FolloweeList> {
    if (!isId(request.userId)) return { items: [] };
    const rows = await this.follows.listFollowees(request.userId, MAX_FOLLOWING);
    return { items: rows.map((row) => ({ userId: row.userId, followerCount: row.followerCount })) };
  }

  /**
   * Whether `mediaId` may become the user's avatar. There is no media service yet, so no media
   * id is known; the media service will answer here (owned by the user, an image, ready).
   */
  private avatarProblem(_userId: string, _mediaId: string): Promise<string | undefined> {
    return Promise.resolve('unknown media');
  }

  private findProfile(request: GetProfileRequest): Promise<ProfileRecord | undefined> {
    const by = request.by;
    if (by === undefined) throw DomainError.invalid('Either userId or username is required');
    if (by.$case === 'userId') {
      return isId(by.value) ? this.profiles.findById(by.value) : Promise.resolve(undefined);
    }
    return this.profiles.findByUsername(normalizeUsername(by.value));
  }

  private async followee(request: FollowRequest): Promise<ProfileRecord> {
    if (!isId(request.followerId)) {
      throw DomainError.invalid('Invalid follower', [{ path: 'followerId', message: 'must be a user id' }]);
    }
    const followee = await this.profiles.findByUsername(normalizeUsername(request.followeeUsername));
    if (followee === undefined) throw DomainError.notFound('User not found');
    if (followee.userId === request.followerId) throw DomainError.invalid('You cannot follow yourself');
    return followee;
  }

  private async followListQuery(
    request: ListFollowsRequest,
  ): Promise<{ user: ProfileRecord; before: string | undefined; limit: number }> {
    const limit = clampLimit(request.limit);
    // Decode first: a bad cursor is the client's error whatever the username.
    const before = request.cursor ? decodeCursor(request.cursor, followCursor).id : undefined;
    const user = await this.profiles.findByUsername(normalizeUsername(request.username));
    if (user === undefined) throw DomainError.notFound('User not found');
    return { user, before, limit };
  }
}

function followCursorOf(last: { followId: string }): { id: string } {
  return { id: last.followId };
}

function toSummary(record: SummaryRecord): Summary {
  return {
    id: record.userId,
    username: record.username,
    displayName: record.displayName,
    ...(record.avatarMediaId !== null && { avatarMediaId: record.avatarMediaId }),
  };
}

function toSummaryPage(page: Page<SummaryRecord>): SummaryPage {
  return {
    items: page.items.map(toSummary),
    ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
  };
}

function toProfile(record: ProfileRecord): Profile {
  return {
    ...toSummary(record),
    bio: record.bio,
    followerCount: record.followerCount,
    followingCount: record.followingCount,
    postCount: record.postCount,
    createdAt: record.createdAt.toISOString(),
  };
}
