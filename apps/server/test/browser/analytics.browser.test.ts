import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { DEVICES, logInAt, nav, person, publishPosts, setUpWebApp, signUpByApi } from '../support/web-app.js';
import { newCheckedPage } from '../support/browser.js';
import { eventually } from '../support/eventually.js';

const IMPRESSIONS_PATH = '/api/analytics/impressions';

/**
 * Every post id the page reports as seen, and how many times each. Read through the DevTools
 * protocol: the app's requests carry their body as a stream, which Playwright's request
 * events leave out, while Chromium can still hand it over.
 */
async function watchImpressions(page: Page): Promise<Map<string, number>> {
  const reported = new Map<string, number>();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => {
    if (request.method !== 'POST' || new URL(request.url).pathname !== IMPRESSIONS_PATH) return;
    cdp.send('Network.getRequestPostData', { requestId }).then(
      ({ postData }) => {
        const { postIds } = JSON.parse(postData) as { postIds: string[] };
        for (const id of postIds) reported.set(id, (reported.get(id) ?? 0) + 1);
      },
      // The page closed meanwhile: nothing is asserted after that.
      () => undefined,
    );
  });
  return reported;
}

/** A figure shown as a term and its value ("Impressions" → "2") in `scope`. */
function figure(scope: Page | Locator, label: string): Locator {
  return scope
    .locator('dl > div')
    .filter({ hasText: new RegExp(`^${label}`) })
    .locator('dd')
    .first();
}

/** The top-posts row of one post: [impressions, likes, comments] as the table shows them. */
async function topPostFigures(page: Page, postId: string): Promise<string[]> {
  const table = page.getByRole('table', { name: 'Top posts' });
  const row = table.getByRole('row').filter({ has: page.locator(`a[href="/p/${postId}"]`) });
  return row.getByRole('cell').allInnerTexts();
}

describe('analytics in Chromium', () => {
  const app = setUpWebApp();

  for (const [device, viewport] of DEVICES) {
    it(
      `counts what a reader sees and shows the author totals, charts and top posts (${device})`,
      { timeout: 150_000 },
      async () => {
        const author = person(device === 'desktop' ? 'Iris' : 'Ivo', 'Novak');
        const authorToken = await signUpByApi(app.api, author);
        const [first, second] = await publishPosts(app.api, authorToken, ['Old town roofs', 'Market stalls']);
        const postA = first!;
        const postB = second!;

        // Engagement through the API: three likes, one comment; the first fan has a post too.
        let fanPost = '';
        for (const [index, postId] of [postA, postA, postB].entries()) {
          const token = await signUpByApi(app.api, person(`Fan${index}`, 'Kuhn'));
          const liked = await app.api.put(`/api/posts/${postId}/like`, { token });
          expect(liked.status, liked.text).toBe(200);
          if (index === 0) {
            const commented = await app.api.post(
              `/api/posts/${postId}/comments`,
              { body: 'Great roofs' },
              { token },
            );
            expect(commented.status, commented.text).toBe(201);
            fanPost = (await publishPosts(app.api, token, ['Harbour crane']))[0]!;
          }
        }
        await eventually(async () => {
          const explore = await app.api.get('/api/explore?limit=100');
          expect(explore.body.items.map((post: { id: string }) => post.id)).toContain(fanPost);
        }, 30_000);

        // A reader in the browser follows the author from the profile, where both posts show
        // in the grid: the app reports them as seen.
        const reader = person('Remy', 'Costa');
        await signUpByApi(app.api, reader);
        const browsing = await newCheckedPage(app.browser, viewport);
        const readerPage = browsing.page;
        readerPage.setDefaultTimeout(20_000);
        const reported = await watchImpressions(readerPage);
        await logInAt(readerPage, app.baseUrl, '/notifications', reader);
        await readerPage.goto(`${app.baseUrl}/u/${author.username}`);
        await readerPage.getByRole('button', { name: 'Follow', exact: true }).click();
        await readerPage.getByRole('button', { name: 'Following', exact: true }).waitFor();
        await expect
          .poll(() => [...reported.keys()].sort(), { timeout: 20_000 })
          .toEqual([postA, postB].sort());

        // Each post once per page load: opening one already reported (and staying longer than
        // it takes to count) and then Explore, which shows them again beside a new one, reports only the new one.
        await readerPage.locator(`a[href="/p/${postA}"]`).click();
        await readerPage.getByRole('article', { name: `Post by @${author.username}` }).waitFor();
        await readerPage.waitForTimeout(1500);
        await nav(readerPage).getByRole('link', { name: 'Explore', exact: true }).click();
        await readerPage.locator(`a[href="/p/${fanPost}"]`).waitFor();
        await expect.poll(() => reported.has(fanPost), { timeout: 20_000 }).toBe(true);
        expect([postA, postB, fanPost].map((id) => reported.get(id))).toEqual([1, 1, 1]);
        await readerPage.context().close();
        expect(browsing.errors).toEqual([]);

        // Impressions are counted in the background.
        await eventually(async () => {
          const mine = await app.api.get('/api/analytics/me?days=7', { token: authorToken });
          expect(mine.status, mine.text).toBe(200);
          expect(mine.body.totals).toMatchObject({
            impressions: 2,
            likes: 3,
            comments: 1,
            followersGained: 1,
          });
        }, 60_000);

        const { page, errors, screenshot } = await newCheckedPage(app.browser, viewport);
        page.setDefaultTimeout(20_000);
        const shot = (name: string) => screenshot(`analytics-${device}-${name}`);
        await logInAt(page, app.baseUrl, '/notifications', author);
        // Desktops reach analytics from the side bar, phones from their own profile.
        if (device === 'phone') {
          await nav(page).getByRole('link', { name: 'Profile', exact: true }).click();
          await page.getByRole('heading', { name: author.displayName, level: 1 }).waitFor();
        }
        await page.getByRole('link', { name: 'Analytics', exact: true }).click();
        await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
        await page.getByRole('radio', { name: '7 days' }).check();
        await page.waitForURL((url) => url.searchParams.get('days') === '7');

        await eventually(async () => {
          expect(await figure(page, 'Impressions').innerText()).toBe('2');
        });
        expect(await figure(page, 'Likes').innerText()).toBe('3');
        expect(await figure(page, 'Comments').innerText()).toBe('1');
        expect(await figure(page, 'Followers').innerText()).toBe('+1');
        await page.getByText('1 gained, 0 lost').waitFor();

        // A chart per series, each with its figures as a table on demand.
        const chart = page.getByRole('region', { name: 'Likes', exact: true });
        await chart.getByRole('img', { name: /^Likes per day from .+: 3 in all/ }).waitFor();
        await chart.getByRole('button', { name: 'Show the figures' }).click();
        const rows = chart.getByRole('table', { name: 'Likes per day' }).getByRole('row');
        expect(await rows.count()).toBe(8);
        await chart.getByRole('group', { name: 'Likes, day by day' }).focus();
        await page.keyboard.press('End');
        await chart.getByText(/Likes 3$/).waitFor();

        // The top posts: what each one earned, linking to the post.
        expect(await topPostFigures(page, postA)).toEqual(['1', '2', '1']);
        expect(await topPostFigures(page, postB)).toEqual(['1', '1', '0']);
        await shot('01-analytics');

        // The author's own post page carries its insights.
        await page.locator(`table a[href="/p/${postA}"]`).click();
        const insights = page.getByRole('region', { name: 'Insights', exact: true });
        await figure(insights, 'Impressions').waitFor();
        expect(await figure(insights, 'Impressions').innerText()).toBe('1');
        expect(await figure(insights, 'Likes').innerText()).toBe('2');
        expect(await figure(insights, 'Comments').innerText()).toBe('1');
        await shot('02-post-insights');

        await page.context().close();
        expect(errors).toEqual([]);
      },
    );
  }
});
