import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';

import { launchBrowser } from './browser.js';
import { eventually } from './eventually.js';
import { ApiClient } from './http-client.js';
import { startEmbeddedApp, type StartedApp } from './start-app.js';

/** What the browser tests share: screen sizes, people, and a few ways of looking at the page. */
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };
export const PASSWORD = 'correct horse battery';
/** The sizes a scenario that runs "on every device" runs at, each with its name. */
export const DEVICES = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;

const WEB_INDEX = fileURLToPath(new URL('../../../web/dist/index.html', import.meta.url));

/** The browser tests drive the built web app: fail clearly when it was not built. */
function assertWebAppBuilt(): void {
  if (!existsSync(WEB_INDEX)) {
    throw new Error('apps/web is not built: run `npm run build` (or `npm run build -w @glimpse/web`) first');
  }
}

/** What the tests of a describe block share: the running app, its API and one Chromium. */
export interface WebAppUnderTest {
  readonly baseUrl: string;
  readonly api: ApiClient;
  readonly browser: Browser;
}

/**
 * Starts the embedded app and Chromium before the tests of the describe block it is called
 * in, and closes both after them. Its fields can be read from a test or a later hook on.
 */
export function setUpWebApp(): WebAppUnderTest {
  let target: StartedApp | undefined;
  let browser: Browser | undefined;
  let api: ApiClient | undefined;
  beforeAll(async () => {
    assertWebAppBuilt();
    [target, browser] = await Promise.all([startEmbeddedApp(), launchBrowser()]);
    api = new ApiClient(target.baseUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await target?.close();
  });
  return {
    get baseUrl() {
      return started(target).baseUrl;
    },
    get api() {
      return started(api);
    },
    get browser() {
      return started(browser);
    },
  };
}

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the web app is not started: it starts in beforeAll');
  return value;
}

export interface Person {
  email: string;
  displayName: string;
  username: string;
}

/** Unique per run: the names are readable in screenshots, the suffix keeps runs apart. */
export function person(first: string, last: string): Person {
  const suffix = randomUUID().slice(0, 6);
  const username = `${first.toLowerCase()}_${suffix}`;
  return { email: `${username}@example.test`, displayName: `${first} ${last}`, username };
}

/** The primary navigation: the side bar on desktops, the tab bar on phones (one is hidden). */
export function nav(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Primary' });
}

/** The pixels an <img> has decoded (0 until it has loaded). Runs in the page, where the DOM is. */
export function naturalWidth(image: Locator): Promise<number> {
  return image.evaluate((element: unknown) => (element as { naturalWidth: number }).naturalWidth);
}

/**
 * Scrolls an <img> into view (it may be lazy) and waits for it to have decoded real pixels. A
 * page that re-renders as fresher data arrives may replace the element mid-scroll (the locator
 * then finds the new one): the scroll is retried, as a reader's would be.
 */
export async function waitForPixels(image: Locator): Promise<number> {
  await eventually(() => image.scrollIntoViewIfNeeded({ timeout: 5000 }), 45_000);
  await expect.poll(() => naturalWidth(image), { timeout: 45_000 }).toBeGreaterThan(0);
  return naturalWidth(image);
}

/** Signs up through the form and waits for the signed-in home page. */
export async function signUp(page: Page, baseUrl: string, who: Person): Promise<void> {
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Full name', { exact: true }).fill(who.displayName);
  await page.getByLabel('Username', { exact: true }).fill(who.username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  await page.getByRole('heading', { name: 'Your feed is on its way' }).waitFor();
}

/** Signs up through the API (someone whose side of the app is not under test); returns their access token. */
export async function signUpByApi(api: ApiClient, who: Person): Promise<string> {
  const signup = await api.post('/api/auth/signup', { ...who, password: PASSWORD });
  expect(signup.status, signup.text).toBe(201);
  return signup.body.accessToken as string;
}

/** One post per caption, each with a plain photo, through the API; resolves once all are published. */
export async function publishPosts(
  api: ApiClient,
  token: string,
  captions: readonly string[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, caption] of captions.entries()) {
    const jpeg = await sharp({
      create: { width: 800, height: 600, channels: 3, background: { r: 40 + index * 60, g: 140, b: 200 } },
    })
      .jpeg()
      .toBuffer();
    const upload = await api.request<{ id: string }>('POST', '/api/media', {
      token,
      raw: { body: jpeg, contentType: 'image/jpeg' },
    });
    expect(upload.status, upload.text).toBe(202);
    const created = await api.post('/api/posts', { caption, mediaIds: [upload.body.id] }, { token });
    expect(created.status, created.text).toBe(201);
    ids.push(created.body.id as string);
  }
  await eventually(async () => {
    for (const id of ids) expect((await api.get(`/api/posts/${id}`)).body.status).toBe('published');
  }, 60_000);
  return ids;
}

/**
 * Opens `path` (a screen for signed-in people only) signed out, which leads to the login
 * form, logs in as `who` and waits to be taken back to `path`.
 */
export async function logInAt(page: Page, baseUrl: string, path: string, who: Person): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('Username or email', { exact: true }).fill(who.username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.waitForURL((url) => url.pathname === path);
}
