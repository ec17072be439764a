import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import {
  DEVICES,
  logInAt,
  person,
  type Person,
  PHONE,
  publishPosts,
  setUpWebApp,
  signUpByApi,
} from '../support/web-app.js';
import { newCheckedPage } from '../support/browser.js';
import { eventually } from '../support/eventually.js';

const COMMENT = 'Lovely light on the water';

/** The link to the notifications screen that shows at this size (side bar, or top bar on phones). */
function notificationsLink(page: Page, unread: number): Locator {
  const name = unread > 0 ? `Notifications, ${unread} unread` : 'Notifications';
  return page.getByRole('link', { name, exact: true });
}

describe('notifications in Chromium', () => {
  const app = setUpWebApp();

  for (const [device, viewport] of DEVICES) {
    it(
      `shows a live unread badge, grouped notifications, and clears the badge (${device})`,
      { timeout: 150_000 },
      async () => {
        // The author is in the browser; everyone else acts through the API.
        const author = person(device === 'desktop' ? 'Lena' : 'Lia', 'Moreau');
        const authorToken = await signUpByApi(app.api, author);
        const [postId] = await publishPosts(app.api, authorToken, ['Boats at dusk']);
        const others = new Map<string, { who: Person; token: string }>();
        for (const first of ['Ana', 'Bo', 'Cy', 'Dee', 'Eli']) {
          const who = person(first, 'Silva');
          others.set(first, { who, token: await signUpByApi(app.api, who) });
        }
        const someone = (first: string) => others.get(first)!;
        const like = async (first: string) => {
          const response = await app.api.put(`/api/posts/${postId}/like`, { token: someone(first).token });
          expect(response.status, response.text).toBe(200);
        };
        const unreadByApi = async () =>
          (await app.api.get('/api/notifications/unread-count', { token: authorToken })).body.count as number;

        const { page, errors, screenshot } = await newCheckedPage(app.browser, viewport);
        page.setDefaultTimeout(20_000);
        const shot = (name: string) => screenshot(`notifications-${device}-${name}`);
        await logInAt(page, app.baseUrl, '/', author);
        await notificationsLink(page, 0).waitFor();

        // The badge follows what happens, without a reload.
        await like('Ana');
        await notificationsLink(page, 1).waitFor();
        // Events of different kinds may be handled in any order: each one is waited for, so
        // the list's order is known.
        await like('Bo');
        await like('Cy');
        await eventually(async () => {
          const list = await app.api.get('/api/notifications', { token: authorToken });
          expect(list.body.items[0]).toMatchObject({ type: 'like', actorCount: 3 });
        });
        const follow = await app.api.put(`/api/users/${author.username}/follow`, {
          token: someone('Dee').token,
        });
        expect(follow.status, follow.text).toBe(200);
        await notificationsLink(page, 2).waitFor();
        const comment = await app.api.post(
          `/api/posts/${postId}/comments`,
          { body: COMMENT },
          { token: someone('Bo').token },
        );
        expect(comment.status, comment.text).toBe(201);
        // Three likes make one notification: likes, the follow, the comment.
        await notificationsLink(page, 3).waitFor();
        await shot('01-badge');

        // The screen: grouped likes (the newest liker named), the follow and the comment,
        // newest first, unread ones marked.
        await notificationsLink(page, 3).click();
        await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
        const items = page.getByRole('list', { name: 'Notifications' }).getByRole('listitem');
        const [ana, cy, bo, dee] = ['Ana', 'Cy', 'Bo', 'Dee'].map((first) => someone(first).who.username);
        await items.nth(2).waitFor();
        expect(await items.count()).toBe(3);
        const texts = await items.allInnerTexts();
        expect(texts[0]).toContain(`${bo} commented: “${COMMENT}”`);
        expect(texts[1]).toContain(`${dee} started following you.`);
        expect(texts[2]).toContain(`${cy} and 2 others liked your photo.`);
        expect(texts[2]).not.toContain(ana);
        const likes = items.nth(2);
        expect(await likes.getByRole('link', { name: cy, exact: true }).getAttribute('href')).toBe(
          `/u/${cy}`,
        );
        expect(await likes.getByRole('link', { name: 'View post' }).getAttribute('href')).toBe(
          `/p/${postId}`,
        );
        expect(await page.getByText('New:').count()).toBe(3);
        await shot('02-screen');

        // Opening the screen read them: the badge is gone, here and on the server.
        await notificationsLink(page, 0).waitFor();
        await eventually(async () => expect(await unreadByApi()).toBe(0));

        // A like while the screen is open arrives at the top, and is read at once.
        await like('Eli');
        const eli = someone('Eli').who.username;
        await items.filter({ hasText: `${eli} liked your photo.` }).waitFor();
        expect(await items.first().innerText()).toContain(`${eli} liked your photo.`);
        expect(await items.count()).toBe(4);
        await eventually(async () => expect(await unreadByApi()).toBe(0));
        await notificationsLink(page, 0).waitFor();

        // The highlights stay until the person says so.
        await page.getByRole('button', { name: 'Mark all as read' }).click();
        await page.getByRole('button', { name: 'Mark all as read' }).waitFor({ state: 'detached' });
        expect(await page.getByText('New:').count()).toBe(0);
        await shot('03-read');

        // After a reload everything is read, as the server has it.
        await page.reload();
        await items.nth(3).waitFor();
        expect(await page.getByText('New:').count()).toBe(0);
        await notificationsLink(page, 0).waitFor();

        await page.context().close();
        expect(errors).toEqual([]);
      },
    );
  }

  it('shows an empty screen to someone with no notifications', { timeout: 60_000 }, async () => {
    const loner = person('Noa', 'Keller');
    await signUpByApi(app.api, loner);
    const { page, errors, screenshot } = await newCheckedPage(app.browser, PHONE);
    page.setDefaultTimeout(20_000);
    await logInAt(page, app.baseUrl, '/notifications', loner);
    await page.getByRole('heading', { name: 'Activity on your posts' }).waitFor();
    expect(await page.getByRole('button', { name: 'Mark all as read' }).count()).toBe(0);
    await screenshot('notifications-phone-04-empty');
    await page.context().close();
    expect(errors).toEqual([]);
  });
});
