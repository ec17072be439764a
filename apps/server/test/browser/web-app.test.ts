import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { DESKTOP, nav, PASSWORD, person, PHONE, setUpWebApp, signUp } from '../support/web-app.js';
import { newCheckedPage } from '../support/browser.js';

async function logOut(page: Page): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/login');
}

describe('the web app in Chromium', () => {
  const app = setUpWebApp();

  it(
    'signs up, logs in, searches, follows, unfollows and edits a profile',
    { timeout: 180_000 },
    async () => {
      const { page, errors, screenshot } = await newCheckedPage(app.browser, DESKTOP);
      page.setDefaultTimeout(20_000);
      const ana = person('Ana', 'Lima');
      const bruno = person('Bruno', 'Costa');
      const base = app.baseUrl;

      // Sign up A, land signed in on the home page; the page title names Glimpse.
      await page.goto(`${base}/signup`);
      await page.getByRole('button', { name: 'Sign up', exact: true }).waitFor();
      expect(await page.title()).toContain('Glimpse');
      await screenshot('web-01-signup');
      await signUp(page, base, ana);
      await page
        .getByRole('banner')
        .getByRole('link', { name: new RegExp(ana.displayName) })
        .waitFor();
      await screenshot('web-02-home');

      // Keyboard users meet the skip link first; it takes them past the navigation.
      await page.reload();
      await page.getByRole('heading', { name: 'Your feed is on its way' }).waitFor();
      await page.keyboard.press('Tab');
      expect(await page.locator(':focus').textContent()).toBe('Skip to content');
      await page.keyboard.press('Enter');
      expect(await page.locator(':focus').getAttribute('id')).toBe('main');

      await logOut(page);
      await signUp(page, base, bruno);
      await logOut(page);

      // Log in as A by username.
      await page.getByLabel('Username or email', { exact: true }).fill(ana.username);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in', exact: true }).click();
      await page.getByRole('heading', { name: 'Your feed is on its way' }).waitFor();

      // Search B by a prefix, typed key by key: results appear as you type.
      await nav(page).getByRole('link', { name: 'Search', exact: true }).click();
      await page.getByRole('heading', { name: 'Find people on Glimpse' }).waitFor();
      await page.getByLabel('Search people').pressSequentially(bruno.username.slice(0, 8), { delay: 40 });
      const result = page
        .getByRole('list', { name: 'Search results' })
        .getByRole('link', { name: new RegExp(bruno.displayName) });
      await result.waitFor();
      await screenshot('web-03-search');

      // B's profile: follow. The server's answer is held back, so what flips is the optimistic update.
      await result.click();
      await page.getByRole('heading', { name: bruno.displayName, level: 1 }).waitFor();
      await page.getByRole('link', { name: '0 followers', exact: true }).waitFor();
      await screenshot('web-04-profile');
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/api/users/*/follow', async (route) => {
        await held;
        await route.continue();
      });
      await page.getByRole('button', { name: 'Follow', exact: true }).click();
      await page.getByRole('button', { name: 'Following', exact: true }).waitFor();
      await page.getByRole('link', { name: '1 follower', exact: true }).waitFor();
      const followed = page.waitForResponse(
        (response) => response.url().endsWith('/follow') && response.request().method() === 'PUT',
      );
      release();
      expect((await followed).status()).toBe(200);
      await page.unroute('**/api/users/*/follow');

      // Persisted: a reload shows the same.
      await page.reload();
      await page.getByRole('button', { name: 'Following', exact: true }).waitFor();
      await page.getByRole('link', { name: '1 follower', exact: true }).waitFor();

      // A's following list shows B.
      await page
        .getByRole('banner')
        .getByRole('link', { name: new RegExp(ana.displayName) })
        .click();
      await page.getByRole('heading', { name: ana.displayName, level: 1 }).waitFor();
      await page.getByRole('link', { name: '1 following', exact: true }).click();
      const followingList = page.getByRole('list', { name: 'Following' });
      await followingList.getByRole('link', { name: new RegExp(bruno.displayName) }).waitFor();
      await screenshot('web-05-following');

      // Back to B: unfollow, the count goes back to 0.
      await followingList.getByRole('link', { name: new RegExp(bruno.displayName) }).click();
      await page.getByRole('button', { name: 'Following', exact: true }).click();
      await page.getByRole('button', { name: 'Follow', exact: true }).waitFor();
      await page.getByRole('link', { name: '0 followers', exact: true }).waitFor();

      // B's followers: the designed empty state.
      await page.getByRole('link', { name: '0 followers', exact: true }).click();
      await page.getByRole('heading', { name: 'No followers yet' }).waitFor();
      await screenshot('web-06-followers-empty');

      // Edit A's profile: the bio shows on A's profile.
      await page
        .getByRole('banner')
        .getByRole('link', { name: new RegExp(ana.displayName) })
        .click();
      await page.getByRole('link', { name: 'Edit profile', exact: true }).click();
      await page.getByRole('heading', { name: 'Edit profile', level: 1 }).waitFor();
      const bio = 'Film photography, slow mornings and long walks.';
      await page.getByLabel('Bio', { exact: true }).fill(bio);
      await page.getByText(`${bio.length} / 150`).waitFor();
      await screenshot('web-07-edit-profile');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('heading', { name: ana.displayName, level: 1 }).waitFor();
      await page.getByText(bio).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/u/${ana.username}`);
      await screenshot('web-08-profile-edited');

      await page.context().close();
      expect(errors).toEqual([]);
    },
  );

  it('works on a phone: sign up, home, own profile', { timeout: 120_000 }, async () => {
    const { page, errors, screenshot } = await newCheckedPage(app.browser, PHONE);
    page.setDefaultTimeout(20_000);
    const carla = person('Carla', 'Mendes');

    await page.goto(`${app.baseUrl}/signup`);
    await page.getByRole('button', { name: 'Sign up', exact: true }).waitFor();
    await screenshot('web-mobile-01-signup');
    await signUp(page, app.baseUrl, carla);
    await screenshot('web-mobile-02-home');

    await nav(page).getByRole('link', { name: 'Profile', exact: true }).click();
    await page.getByRole('heading', { name: carla.displayName, level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Edit profile', exact: true }).waitFor();
    await screenshot('web-mobile-03-profile');

    await nav(page).getByRole('link', { name: 'Search', exact: true }).click();
    await page.getByLabel('Search people').pressSequentially('carla', { delay: 40 });
    await page.getByRole('list', { name: 'Search results' }).getByRole('link').first().waitFor();
    await screenshot('web-mobile-04-search');

    // Nothing spills sideways at 375 px.
    // A string expression: it runs in the page, where the DOM exists.
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
      PHONE.width,
    );

    await page.context().close();
    expect(errors).toEqual([]);
  });

  it(
    'refreshes an expired access token before using it, without a single failed request',
    { timeout: 60_000 },
    async () => {
      const { page, errors } = await newCheckedPage(app.browser, DESKTOP);
      page.setDefaultTimeout(20_000);
      const dora = person('Dora', 'Reis');
      await signUp(page, app.baseUrl, dora);

      const before = await page.evaluate(() => localStorage.getItem('glimpse.session'));
      await page.evaluate(() => {
        const session = JSON.parse(localStorage.getItem('glimpse.session') ?? '{}');
        localStorage.setItem('glimpse.session', JSON.stringify({ ...session, expiresAt: Date.now() - 1000 }));
      });
      const refreshes: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/api/auth/refresh')) refreshes.push(request.method());
      });
      await page.reload();
      await page.getByRole('heading', { name: 'Your feed is on its way' }).waitFor();

      expect(refreshes).toEqual(['POST']);
      const after = JSON.parse((await page.evaluate(() => localStorage.getItem('glimpse.session'))) ?? '{}');
      expect(after.refreshToken).not.toBe(JSON.parse(before ?? '{}').refreshToken);
      expect(after.expiresAt).toBeGreaterThan(Date.now());

      await page.context().close();
      expect(errors).toEqual([]);
    },
  );

  it(
    'recovers from a rejected access token by refreshing once and retrying',
    { timeout: 60_000 },
    async () => {
      const { page, errors } = await newCheckedPage(app.browser, DESKTOP);
      page.setDefaultTimeout(20_000);
      const eva = person('Eva', 'Prado');
      await signUp(page, app.baseUrl, eva);

      await page.evaluate(() => {
        const session = JSON.parse(localStorage.getItem('glimpse.session') ?? '{}');
        localStorage.setItem(
          'glimpse.session',
          JSON.stringify({ ...session, accessToken: 'not-a-valid-token' }),
        );
      });
      const unauthorized: string[] = [];
      let refreshes = 0;
      page.on('response', (response) => {
        if (response.status() === 401) unauthorized.push(new URL(response.url()).pathname);
        if (response.url().endsWith('/api/auth/refresh')) refreshes += 1;
      });
      await page.reload();
      await page.getByRole('heading', { name: 'Your feed is on its way' }).waitFor();
      await page
        .getByRole('banner')
        .getByRole('link', { name: new RegExp(eva.displayName) })
        .waitFor();

      expect(unauthorized).toEqual(['/api/users/me']);
      expect(refreshes).toBe(1);
      // The one 401 is the browser's own log line for that response, expected here and nothing else.
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/status of 401/);

      await page.context().close();
    },
  );

  it('designs loading and error states and shows server problems in words', { timeout: 90_000 }, async () => {
    const { page, errors, screenshot } = await newCheckedPage(app.browser, DESKTOP);
    page.setDefaultTimeout(20_000);
    // Chromium logs each 4xx/5xx response as a console error: this test provokes some on
    // purpose, so each must be one of those, and nothing else may appear.
    const failed: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error')
        failed.push(`${new URL(message.location().url).pathname} ${message.text()}`);
    });
    const fay = person('Fay', 'Souza');
    await signUp(page, app.baseUrl, fay);
    await logOut(page);
    const profilePath = `/api/users/${fay.username}`;

    // Loading: a skeleton while the profile is on its way (the answer is held back).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(`**${profilePath}`, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${app.baseUrl}/u/${fay.username}`);
    await page.getByRole('status', { name: 'Loading profile' }).waitFor();
    await screenshot('web-09-profile-loading');
    release();
    // Signed out, a profile is still readable, with a way to log in to follow.
    await page.getByRole('heading', { name: fay.displayName, level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Log in to follow' }).waitFor();
    await page.unroute(`**${profilePath}`);

    // Server trouble: the problem's words and a retry that works once the server is back.
    let outage = true;
    await page.route(`**${profilePath}`, async (route) => {
      if (!outage) return route.continue();
      return route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          detail: 'The user service is unavailable; try again shortly.',
        }),
      });
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Couldn’t load this profile' }).waitFor();
    await page.getByText('The user service is unavailable; try again shortly.').waitFor();
    await screenshot('web-10-profile-error');
    outage = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: fay.displayName, level: 1 }).waitFor();
    await page.unroute(`**${profilePath}`);

    // Wrong password: 401, said in words.
    await page.goto(`${app.baseUrl}/login`);
    await page.getByLabel('Username or email', { exact: true }).fill(fay.username);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page
      .getByRole('alert')
      .getByText('That username or password isn’t right. Check them and try again.')
      .waitFor();
    await screenshot('web-11-login-error');

    // A taken username: 409, the message sits under the username field.
    await page.getByRole('link', { name: 'Sign up', exact: true }).click();
    await page.getByLabel('Email', { exact: true }).fill(`other-${fay.email}`);
    await page.getByLabel('Username', { exact: true }).fill(fay.username);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();
    const username = page.getByLabel('Username', { exact: true });
    await page.getByText('Username is already taken').waitFor();
    expect(await username.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await username.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe('Username is already taken');
    await screenshot('web-12-signup-conflict');

    await page.context().close();
    expect(errors).toHaveLength(failed.length);
    expect(
      failed.filter((line) => line.startsWith(`${profilePath} `) && line.includes('status of 503')).length,
    ).toBeGreaterThan(0);
    const unexpected = failed.filter(
      (line) =>
        !(line.startsWith(`${profilePath} `) && line.includes('status of 503')) &&
        !(line.startsWith('/api/auth/login ') && line.includes('status of 401')) &&
        !(line.startsWith('/api/auth/signup ') && line.includes('status of 409')),
    );
    expect(unexpected).toEqual([]);
    expect(failed.some((line) => line.startsWith('/api/auth/login '))).toBe(true);
    expect(failed.some((line) => line.startsWith('/api/auth/signup '))).toBe(true);
  });
});
