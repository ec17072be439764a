import type { Page, Request, Route } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { DEVICES, person, publishPosts, setUpWebApp, signUp, signUpByApi } from '../support/web-app.js';
import { newCheckedPage } from '../support/browser.js';
import { eventually } from '../support/eventually.js';

const CAPTION = 'Morning light over the harbour';
const LIKE_PATH = /\/api\/posts\/\d+\/like$/;

/** "3 likes · 1 comment" as the post page writes it (a comma for screen readers between). */
function counts(likes: number, comments: number): RegExp {
  const word = (value: number, one: string) => `${value} ${one}${value === 1 ? '' : 's'}`;
  return new RegExp(`^${word(likes, 'like')}\\W+${word(comments, 'comment')}$`);
}

/**
 * Like requests as the server sees them; `hold()` keeps the next ones from leaving the
 * browser until `release()`, so what the screen shows before any answer can be checked.
 */
function watchLikes(page: Page) {
  const sent: { method: string; key: string | null }[] = [];
  let inFlight = 0;
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const isLike = (request: Request) => LIKE_PATH.test(new URL(request.url()).pathname);
  page.on('request', (request) => {
    if (!isLike(request)) return;
    inFlight += 1;
    sent.push({ method: request.method(), key: request.headers()['idempotency-key'] ?? null });
  });
  const done = (request: Request) => {
    if (isLike(request)) inFlight -= 1;
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    sent,
    async install() {
      await page.route(LIKE_PATH, async (route: Route) => {
        if (gate) await gate;
        await route.continue();
      });
    },
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      gate = undefined;
      open?.();
    },
    /** Every like request answered: the server holds the final state. */
    settled: () => expect.poll(() => inFlight, { timeout: 20_000 }).toBe(0),
  };
}

/** Reloads until the post page agrees (counts are eventually consistent on the server). */
async function reloadUntil(page: Page, check: () => Promise<void>): Promise<void> {
  await eventually(async () => {
    await page.reload();
    await check();
  }, 20_000);
}

describe('likes and comments in Chromium', () => {
  const app = setUpWebApp();
  let postIds: string[];
  const author = person('Marta', 'Lopes');

  // The author's side comes from the API (the reader's is under test): one post per device,
  // so each run starts from a post nobody has liked or commented on.
  beforeAll(async () => {
    const token = await signUpByApi(app.api, author);
    postIds = await publishPosts(app.api, token, [CAPTION, CAPTION]);
  });

  for (const [index, [device, viewport]] of DEVICES.entries()) {
    it(`likes, unlikes, double-taps and comments on a post (${device})`, { timeout: 120_000 }, async () => {
      const { page, errors, screenshot } = await newCheckedPage(app.browser, viewport);
      page.setDefaultTimeout(20_000);
      const shot = (name: string) => screenshot(`engagement-${device}-${name}`);
      const reader = person(device === 'desktop' ? 'Tomas' : 'Teresa', 'Reis');
      await signUp(page, app.baseUrl, reader);

      await page.goto(`${app.baseUrl}/u/${author.username}`);
      await page.getByRole('button', { name: 'Follow', exact: true }).click();
      await page.getByRole('button', { name: 'Following', exact: true }).waitFor();

      const postId = postIds[index]!;
      const likes = watchLikes(page);
      await likes.install();
      await page.goto(`${app.baseUrl}/p/${postId}`);
      const post = page.getByRole('article', { name: `Post by @${author.username}` });
      const heart = post.getByRole('button', { name: /^(Like|Unlike)$/ });
      const showsCounts = (likeCount: number, commentCount: number) =>
        post.getByText(counts(likeCount, commentCount)).waitFor();
      const pressed = (value: boolean): Promise<void> =>
        post.getByRole('button', { name: value ? 'Unlike' : 'Like', pressed: value, exact: true }).waitFor();
      await showsCounts(0, 0);
      await pressed(false);

      // The heart answers before the server does: the request is held back meanwhile.
      likes.hold();
      await heart.click();
      await pressed(true);
      await showsCounts(1, 0);
      await shot('01-liked');
      expect(likes.sent).toHaveLength(1);
      likes.release();
      await likes.settled();
      await reloadUntil(page, async () => {
        await pressed(true);
        await showsCounts(1, 0);
      });

      // Three quick taps while the first one's request is in flight: one more request at most
      // (the server must end up unliked), each with a key of its own.
      const before = likes.sent.length;
      likes.hold();
      await heart.click();
      await heart.click();
      await heart.click();
      await pressed(false);
      await showsCounts(0, 0);
      likes.release();
      await likes.settled();
      const taps = likes.sent.slice(before);
      expect(taps.map((request) => request.method)).toEqual(['DELETE']);
      const keys = likes.sent.map((request) => request.key);
      expect(keys.every((key) => typeof key === 'string' && key.length > 0)).toBe(true);
      expect(new Set(keys).size).toBe(keys.length);
      await reloadUntil(page, async () => {
        await pressed(false);
        await showsCounts(0, 0);
      });

      // A double click on the photo likes, with a heart over it.
      await post.getByRole('img', { name: CAPTION }).dblclick();
      await pressed(true);
      await showsCounts(1, 0);
      await likes.settled();
      await reloadUntil(page, async () => {
        await pressed(true);
        await showsCounts(1, 0);
      });

      // A comment with an emoji: Enter sends it, it joins the list and the count.
      const comments = page.getByRole('region', { name: 'Comments' });
      const box = comments.getByLabel('Add a comment');
      const send = comments.getByRole('button', { name: 'Post', exact: true });
      expect(await send.isDisabled()).toBe(true);
      const words = 'What a glow 🌅';
      await box.fill(words);
      await comments.getByText('13 / 2200').waitFor();
      expect(await send.isDisabled()).toBe(false);
      await box.press('Enter');
      const mine = comments.getByRole('listitem').filter({ hasText: words });
      await mine.waitFor();
      await showsCounts(1, 1);
      expect(await box.inputValue()).toBe('');
      await shot('02-commented');
      await reloadUntil(page, async () => {
        await mine.waitFor();
        await showsCounts(1, 1);
      });

      // Deleting it, after confirming.
      await mine.getByRole('button', { name: 'Delete comment' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete comment?' });
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await mine.waitFor({ state: 'detached' });
      await showsCounts(1, 0);
      await reloadUntil(page, async () => {
        await showsCounts(1, 0);
        expect(await comments.getByRole('listitem').count()).toBe(0);
      });
      await shot('03-comment-deleted');

      await page.context().close();
      expect(errors).toEqual([]);
    });
  }
});
