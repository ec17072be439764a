import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** What the browser tests share: screen sizes, people, and a few ways of looking at the page. */
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };
export const PASSWORD = 'correct horse battery';

const WEB_INDEX = fileURLToPath(new URL('../../../web/dist/index.html', import.meta.url));

/** The browser tests drive the built web app: fail clearly when it was not built. */
export function assertWebAppBuilt(): void {
  if (!existsSync(WEB_INDEX)) {
    throw new Error('apps/web is not built: run `npm run build` (or `npm run build -w @glimpse/web`) first');
  }
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

/** Scrolls an <img> into view (it may be lazy) and waits for it to have decoded real pixels. */
export async function waitForPixels(image: Locator): Promise<number> {
  await image.scrollIntoViewIfNeeded();
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
