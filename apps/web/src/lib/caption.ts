/** A piece of a caption: plain text, a #hashtag or an @mention (names without the sign). */
export type CaptionPart =
  | { kind: 'text'; text: string }
  | { kind: 'hashtag'; text: string; tag: string }
  | { kind: 'mention'; text: string; username: string };

// The server's rules (services/post/caption.rules.ts): a hashtag is not after a word
// character or `&`; a mention is not after a word character, `.` or `@`, and ends where the
// word ends. Which ones count is the server's answer (`post.hashtags`, `post.mentions`).
const TOKEN =
  /(?<![\p{L}\p{M}\p{N}_&])#([\p{L}\p{M}\p{N}_]+)|(?<![\p{L}\p{M}\p{N}_.@])@([A-Za-z0-9._]+)(?![\p{L}\p{M}\p{N}_])/gu;

/**
 * Splits a caption into text, hashtags and mentions. Only the tags and usernames the server
 * picked out (`hashtags`, `mentions`, lowercased) become parts of their own, so the app
 * never links something the server did not recognise.
 */
export function parseCaption(
  caption: string,
  hashtags: readonly string[],
  mentions: readonly string[],
): CaptionPart[] {
  const tags = new Set(hashtags);
  const names = new Set(mentions);
  const parts: CaptionPart[] = [];
  let text = '';
  let last = 0;
  for (const match of caption.matchAll(TOKEN)) {
    const [whole, tag, rawName] = match;
    let part: CaptionPart | undefined;
    let length = whole.length;
    if (tag !== undefined && tags.has(tag.normalize('NFC').toLowerCase())) {
      part = { kind: 'hashtag', text: whole, tag: tag.normalize('NFC').toLowerCase() };
    } else if (rawName !== undefined) {
      // A sentence's final period is not part of the name.
      const name = rawName.replace(/\.+$/, '');
      if (names.has(name.toLowerCase())) {
        length = name.length + 1;
        part = { kind: 'mention', text: `@${name}`, username: name.toLowerCase() };
      }
    }
    if (!part) continue;
    text += caption.slice(last, match.index);
    if (text) parts.push({ kind: 'text', text });
    text = '';
    parts.push(part);
    last = match.index + length;
  }
  text += caption.slice(last);
  if (text) parts.push({ kind: 'text', text });
  return parts;
}

/** Length as the server counts it: in code points, so an emoji is one. */
export function captionLength(caption: string): number {
  let count = 0;
  for (const _ of caption) count += 1;
  return count;
}

/** The first `max` code points of `caption`. */
export function clipCaption(caption: string, max: number): string {
  return Array.from(caption).slice(0, max).join('');
}
