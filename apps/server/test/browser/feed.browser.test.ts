import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  DESKTOP,
  DEVICES,
  nav,
  person,
  type Person,
  PHONE,
  setUpWebApp,
  signUp,
  signUpByApi,
  waitForPixels,
} from '../support/web-app.js';
import { newCheckedPage } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import type { ApiClient } from '../support/http-client.js';

/** The web app's home feed page size (FEED_PAGE_SIZE in apps/web/src/state/queries/feed.ts). */
const FEED_PAGE = 10;
/** "0 likes · 0 comments" (with a comma for screen readers in between). */
const COUNTS = /^0 likes\W+0 comments$/;
/** One page and a bit: scrolling to the end has to load a second page. */
const POSTS = FEED_PAGE + 2;

interface Published {
  id: string;
  caption: string;
}

/** A photo-sized gradient, tinted per post so every placeholder and tile looks different. */
function photo(index: number): Promise<Buffer> {
  const [width, height] = index % 3 === 0 ? [720, 900] : [960, 720];
  const pixels = Buffer.alloc(width * height * 3);
  const tint = (index * 47) % 256;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const offset = (y * width + x) * 3;
      pixels[offset] = Math.round((255 * x) / width);
      pixels[offset + 1] = Math.round((200 * y) / height);
      pixels[offset + 2] = tint;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/**
 * The author is set up through the API (the reader's side is what is under test here): sign
 * up, then one uploaded photo and one post at a time, all published. Newest first.
 */
async function seedAuthor(api: ApiClient, author: Person, count: number): Promise<Published[]> {
  const token = await signUpByApi(api, author);
  const posts: Published[] = [];
  for (let index = 0; index < count; index += 1) {
    const upload = await api.request<{ id: string }>('POST', '/api/media', {
      token,
      raw: { body: await photo(index), contentType: 'image/jpeg' },
    });
    expect(upload.status, upload.text).toBe(202);
    const caption = `Harbour walk, day ${index + 1} #harbour`;
    const created = await api.post('/api/posts', { caption, mediaIds: [upload.body.id] }, { token });
    expect(created.status, created.text).toBe(201);
    posts.unshift({ id: created.body.id as string, caption });
  }
  await eventually(async () => {
    for (const post of posts) {
      expect((await api.get(`/api/posts/${post.id}`)).body.status).toBe('published');
    }
  }, 60_000);
  // Explore ranks in the background: wait until its ranking has the posts.
  await eventually(async () => {
    const explore = await api.get('/api/explore?limit=100');
    const ids = (explore.body.items as { id: string }[]).map((item) => item.id);
    expect(ids).toEqual(expect.arrayContaining(posts.map((post) => post.id)));
  }, 30_000);
  return posts;
}

/** The post ids a list of links points at, in order (`/p/:id`). */
async function postIdsOf(links: Locator): Promise<string[]> {
  const hrefs = await links.evaluateAll((elements: unknown[]) =>
    elements.map((element) =>
      (element as { getAttribute(name: string): string | null }).getAttribute('href'),
    ),
  );
  return hrefs.map((href) => /^\/p\/(\d+)$/.exec(href ?? '')?.[1] ?? `not a post link: ${href}`);
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  // A string expression: it runs in the page, where the DOM exists.
  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
    PHONE.width,
  );
}

describe('the home feed and Explore in Chromium', () => {
  const app = setUpWebApp();
  const author = person('Ines', 'Duarte');
  /** The author's posts, newest first. */
  let posts: Published[];

  beforeAll(async () => {
    posts = await seedAuthor(app.api, author, POSTS);
  });

  for (const [device, viewport] of DEVICES) {
    it(
      `shows an empty feed with Explore, follows, scrolls the feed and opens a post (${device})`,
      { timeout: 120_000 },
      async () => {
        const { page, errors, screenshot } = await newCheckedPage(app.browser, viewport);
        page.setDefaultTimeout(20_000);
        const shot = (name: string) => screenshot(`feed-${device}-${name}`);
        const reader = person(device === 'desktop' ? 'Rui' : 'Rita', 'Campos');
        const newest = posts[0]!;
        await signUp(page, app.baseUrl, reader);

        // The empty feed: what fills it, ways to find people, and popular posts right here.
        const main = page.getByRole('main');
        await main.getByText('It fills up with photos as you follow people').waitFor();
        await main.getByRole('link', { name: 'Explore', exact: true }).waitFor();
        const popular = page.getByRole('list', { name: 'Popular posts' });
        const preview = popular.locator(`a[href="/p/${newest.id}"]`);
        expect(await waitForPixels(preview.getByRole('img', { name: newest.caption }))).toBeGreaterThan(0);
        expect(await popular.getByRole('link').count()).toBe(9);
        await shot('01-empty-feed');

        // Follow the author through search and the profile.
        await main.getByRole('link', { name: 'Find people to follow' }).click();
        await page.getByLabel('Search people').pressSequentially(author.username, { delay: 20 });
        await page
          .getByRole('list', { name: 'Search results' })
          .getByRole('link', { name: new RegExp(author.displayName) })
          .click();
        await page.getByRole('heading', { name: author.displayName, level: 1 }).waitFor();
        await page.getByRole('button', { name: 'Follow', exact: true }).click();
        await page.getByRole('button', { name: 'Following', exact: true }).waitFor();

        // Home: the author's posts, newest first, photos loaded; one page to begin with.
        await nav(page).getByRole('link', { name: 'Home', exact: true }).click();
        const feed = page.getByRole('feed', { name: 'Home feed' });
        const cards = feed.getByRole('article', { name: `Post by @${author.username}` });
        await cards.nth(2).waitFor();
        expect(await cards.count()).toBe(FEED_PAGE);
        const timeLinks = feed.getByRole('link', { name: /^Posted / });
        expect(await postIdsOf(timeLinks)).toEqual(posts.slice(0, FEED_PAGE).map((post) => post.id));
        for (const [index, post] of posts.slice(0, 3).entries()) {
          const card = cards.nth(index);
          await card.getByText(post.caption.replace(' #harbour', '')).waitFor();
          await card.getByText(COUNTS).waitFor();
          expect(
            await card.getByRole('link', { name: new RegExp(author.displayName) }).getAttribute('href'),
          ).toBe(`/u/${author.username}`);
          expect(await waitForPixels(card.getByRole('img', { name: post.caption }))).toBeGreaterThan(0);
        }
        await page.evaluate('window.scrollTo(0, 0)');
        await shot('02-feed');
        if (device === 'phone') await expectNoSidewaysScroll(page);

        // The keyboard moves from card to card (the ARIA feed pattern).
        await cards.first().focus();
        await page.keyboard.press('PageDown');
        expect(await page.evaluate('document.activeElement.getAttribute("aria-posinset")')).toBe('2');

        // Scrolling to the end loads the next page by itself, then says it is the end.
        await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
        await cards.nth(POSTS - 1).waitFor();
        expect(await postIdsOf(timeLinks)).toEqual(posts.map((post) => post.id));
        await page.getByText('You’re all caught up').waitFor();
        expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
        await shot('03-feed-end');

        // A card's time opens the post page.
        await page.evaluate('window.scrollTo(0, 0)');
        await timeLinks.first().click();
        await page.waitForURL(new RegExp(`/p/${newest.id}$`));
        const post = page.getByRole('article', { name: `Post by @${author.username}` });
        expect(await waitForPixels(post.getByRole('img', { name: newest.caption }))).toBeGreaterThan(0);
        await post.getByText(COUNTS).waitFor();
        await shot('04-post');

        await page.context().close();
        expect(errors).toEqual([]);
      },
    );

    it(`lists the author’s posts on Explore, signed out (${device})`, { timeout: 60_000 }, async () => {
      const { page, errors, screenshot } = await newCheckedPage(app.browser, viewport);
      page.setDefaultTimeout(20_000);
      await page.goto(`${app.baseUrl}/explore`);
      await page.getByRole('heading', { name: 'Explore', level: 1 }).waitFor();
      await page.getByRole('banner').getByRole('link', { name: 'Log in' }).waitFor();
      const grid = page.getByRole('list', { name: 'Popular posts' });
      await grid
        .getByRole('link')
        .nth(POSTS - 1)
        .waitFor();
      // Nothing else was posted, and nothing has likes: newest first.
      expect(await postIdsOf(grid.getByRole('link'))).toEqual(posts.map((post) => post.id));
      const newest = posts[0]!;
      const tile = grid.locator(`a[href="/p/${newest.id}"]`);
      expect(await waitForPixels(tile.getByRole('img', { name: newest.caption }))).toBeGreaterThan(0);
      await page.evaluate('window.scrollTo(0, 0)');
      await screenshot(`feed-${device}-05-explore-signed-out`);
      if (device === 'phone') await expectNoSidewaysScroll(page);

      await tile.click();
      await page.waitForURL(new RegExp(`/p/${newest.id}$`));
      const post = page.getByRole('article', { name: `Post by @${author.username}` });
      expect(await waitForPixels(post.getByRole('img', { name: newest.caption }))).toBeGreaterThan(0);

      await page.context().close();
      expect(errors).toEqual([]);
    });
  }

  it(
    'shows skeleton cards while the feed loads, and a retry when it fails',
    { timeout: 60_000 },
    async () => {
      const { page, errors, screenshot } = await newCheckedPage(app.browser, DESKTOP);
      page.setDefaultTimeout(20_000);
      const failed: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') {
          failed.push(`${new URL(message.location().url || 'about:blank').pathname} ${message.text()}`);
        }
      });
      await signUp(page, app.baseUrl, person('Vera', 'Lopes'));

      // The first answer is held back (skeletons), then refused; the retry goes through.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let calls = 0;
      await page.route('**/api/feed?*', async (route) => {
        calls += 1;
        if (calls > 1) return route.continue();
        await held;
        return route.fulfill({
          status: 429,
          headers: { 'Retry-After': '1' },
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429 }),
        });
      });
      await page.reload();
      await page.getByRole('status', { name: 'Loading your feed' }).waitFor();
      await screenshot('feed-desktop-06-loading');
      release();
      await page.getByRole('heading', { name: 'Couldn’t load your feed' }).waitFor();
      await page.getByText('You’re going a little fast. Take a breath. Try again in 1 s.').waitFor();
      await screenshot('feed-desktop-07-error');
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('heading', { name: 'Your feed is on its way' }).waitFor();
      expect(calls).toBe(2);

      await page.context().close();
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatch(/^\/api\/feed .*status of 429/);
      expect(errors).toEqual(failed.map((line) => `console: ${line.slice(line.indexOf(' ') + 1)}`));
    },
  );
});
