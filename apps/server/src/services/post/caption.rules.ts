import { normalizeUsername, textLength, usernameProblem } from '../user/user.rules.js';

/** Instagram's limit, in code points (an emoji counts as one). */
export const CAPTION_MAX_LENGTH = 2200;
export const HASHTAG_MAX_LENGTH = 100;

/** Why `caption` cannot be stored as written, or undefined when it can. */
export function captionProblem(caption: string): string | undefined {
  if (textLength(caption) > CAPTION_MAX_LENGTH) return `must be at most ${CAPTION_MAX_LENGTH} characters`;
  // A lone surrogate would be replaced on its way to UTF-8: the caption would not come back as written.
  if (!caption.isWellFormed()) return 'must be valid Unicode text';
  // Line breaks and tabs shape a caption; other control characters (NUL, which PostgreSQL
  // text cannot hold, escape sequences) have no place in it.
  if (/(?![\t\n\r])\p{Cc}/u.test(caption)) return 'must not contain control characters';
  return undefined;
}

// Not after a word character (`a#b`) nor after `&` (HTML entities such as `&#x27;`).
const HASHTAG = /(?<![\p{L}\p{M}\p{N}_&])#([\p{L}\p{M}\p{N}_]+)/gu;
// Not after a word character or a period, so e-mail addresses are not mentions; and the name
// must end where the word ends (`@josé` mentions nobody rather than `jos`).
const MENTION = /(?<![\p{L}\p{M}\p{N}_.@])@([A-Za-z0-9._]+)(?![\p{L}\p{M}\p{N}_])/gu;

/**
 * The hashtags of a caption: `#` followed by letters (with their combining marks), digits and
 * underscores, at most 100 characters and with at least one letter (`#1` is a rank, not a
 * tag). Lowercased in NFC, so that one tag is one value however it was typed; without the
 * `#`; deduplicated in order of first appearance.
 */
export function extractHashtags(caption: string): string[] {
  const tags: string[] = [];
  for (const match of caption.matchAll(HASHTAG)) {
    const tag = match[1];
    if (tag === undefined || textLength(tag) > HASHTAG_MAX_LENGTH || !/\p{L}/u.test(tag)) continue;
    tags.push(tag.normalize('NFC').toLowerCase());
  }
  return [...new Set(tags)];
}

/**
 * The usernames mentioned in a caption (`@name`, a valid username, a sentence's final period
 * not included), lowercased, without the `@`, deduplicated in order of first appearance.
 * Whether such a user exists is not checked here.
 */
export function extractMentions(caption: string): string[] {
  const names: string[] = [];
  for (const match of caption.matchAll(MENTION)) {
    const name = match[1]?.replace(/\.+$/, '');
    if (name === undefined || usernameProblem(name) !== undefined) continue;
    names.push(normalizeUsername(name));
  }
  return [...new Set(names)];
}
