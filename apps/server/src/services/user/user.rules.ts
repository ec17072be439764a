/**
 * The shape rules for usernames and profile fields. Profiles own usernames, and the auth service
 * checks the same rule at signup so that an account never gets a username its profile refuses.
 */
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 30;
export const DISPLAY_NAME_MAX_LENGTH = 64;
/** Instagram's limit. */
export const BIO_MAX_LENGTH = 150;

/** Usernames are case-insensitive: stored and compared lowercased. */
export function normalizeUsername(username: string): string {
  return username.toLowerCase();
}

/** Why `username` is not acceptable, or undefined when it is. */
export function usernameProblem(username: string): string | undefined {
  if (username.length < USERNAME_MIN_LENGTH || username.length > USERNAME_MAX_LENGTH) {
    return `must be ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters`;
  }
  // Checked before lowercasing: toLowerCase maps a few non-ASCII letters (the Kelvin sign) to ASCII.
  if (!/^[A-Za-z0-9._]+$/.test(username)) return 'may contain only letters, digits, periods and underscores';
  if (username.startsWith('.') || username.endsWith('.')) return 'must not start or end with a period';
  return undefined;
}

/** Length in user-perceived characters as close as cheaply possible: code points, not UTF-16 units. */
export function textLength(text: string): number {
  return Array.from(text).length;
}

export function hasControlCharacters(text: string): boolean {
  return /\p{Cc}/u.test(text);
}

/** Why a trimmed display name is not acceptable, or undefined. Empty is fine where a default applies. */
export function displayNameProblem(displayName: string, options: { required: boolean }): string | undefined {
  const length = textLength(displayName);
  if (options.required && (length === 0 || length > DISPLAY_NAME_MAX_LENGTH)) {
    return `must be 1 to ${DISPLAY_NAME_MAX_LENGTH} characters`;
  }
  if (length > DISPLAY_NAME_MAX_LENGTH) return `must be at most ${DISPLAY_NAME_MAX_LENGTH} characters`;
  // Control characters have no place in a one-line name (newlines included).
  if (hasControlCharacters(displayName)) return 'must not contain control characters';
  return undefined;
}

/**
 * Most followees ListFollowingIds returns (the newest follows): the feed merges and rebuilds
 * from this many accounts at most, and the post service's pull query takes as many authors.
 */
export const MAX_FOLLOWING = 10_000;
/** Largest page of ListFollowerIds: the fanout delivers to this many followers per round. */
export const MAX_FOLLOWER_IDS_PAGE = 1000;

/** A ListFollowerIds page size: proto3's unset (0) means the largest page, the rest is clamped. */
export function followerIdsLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit) || limit === 0) return MAX_FOLLOWER_IDS_PAGE;
  return Math.min(MAX_FOLLOWER_IDS_PAGE, Math.max(1, Math.trunc(limit)));
}
