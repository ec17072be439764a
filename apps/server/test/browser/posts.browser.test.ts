import type { Locator, Page } from 'playwright-core';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

import { DEVICES, nav, person, PHONE, setUpWebApp, signUp, waitForPixels } from '../support/web-app.js';
import { newCheckedPage } from '../support/browser.js';

interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** A smooth two-way gradient: a real photo-sized image whose placeholder is not one flat colour. */
function gradient(width: number, height: number): Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const offset = (y * width + x) * 3;
      pixels[offset] = Math.round((255 * x) / width);
      pixels[offset + 1] = Math.round((180 * y) / height);
      pixels[offset + 2] = 160;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

async function fixtures(): Promise<{ jpeg: FilePayload; png: FilePayload; fake: FilePayload }> {
  const jpeg = await gradient(1200, 900).jpeg({ quality: 85 }).toBuffer();
  const png = await gradient(640, 800).png().toBuffer();
  return {
    jpeg: { name: 'pier.jpg', mimeType: 'image/jpeg', buffer: jpeg },
    png: { name: 'dunes.png', mimeType: 'image/png', buffer: png },
    // The browser calls it a JPEG from its name; the server reads its bytes.
    fake: { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('shopping list: milk, eggs\n') },
  };
}

function tile(page: Page, fileName: string): Locator {
  return page.getByRole('list', { name: 'Chosen photos' }).getByRole('listitem', { name: fileName });
}

/**
 * Chromium logs every 4xx response as a console error. These scenarios provoke two on purpose
 * (the refused file's PUT, and opening a deleted post); anything else fails the test.
 */
function expectedConsoleError(line: string): boolean {
  return (
    (/^\/api\/media\/\d+\/content /.test(line) && line.includes('status of 415')) ||
    (/^\/api\/posts\/\d+ /.test(line) && line.includes('status of 404'))
  );
}

describe('posting photos in Chromium', () => {
  const app = setUpWebApp();
  let files: Awaited<ReturnType<typeof fixtures>>;

  beforeAll(async () => {
    files = await fixtures();
  });

  for (const [device, viewport] of DEVICES) {
    it(
      `uploads two photos, shares them, shows the post and the grid, and deletes it (${device})`,
      { timeout: 180_000 },
      async () => {
        const { page, errors, screenshot } = await newCheckedPage(app.browser, viewport);
        page.setDefaultTimeout(20_000);
        const failed: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') {
            failed.push(`${new URL(message.location().url || 'about:blank').pathname} ${message.text()}`);
          }
        });
        const shot = (name: string) => screenshot(`posts-${device}-${name}`);
        const gil = person('Gil', 'Moreira');
        const base = app.baseUrl;
        await signUp(page, base, gil);

        // An empty profile invites the first post.
        await nav(page).getByRole('link', { name: 'Profile', exact: true }).click();
        await page.getByRole('heading', { name: 'Share your first photo' }).waitFor();
        await page.getByRole('link', { name: 'Share a photo' }).waitFor();

        // Create, from the navigation: the drop zone with a keyboard-reachable picker.
        await nav(page).getByRole('link', { name: 'Create', exact: true }).click();
        await page.getByRole('heading', { name: 'New post', level: 1 }).waitFor();
        await page.getByText('Drag photos here').waitFor();
        expect(await page.getByRole('button', { name: 'Share' }).isDisabled()).toBe(true);
        await shot('01-create');

        // Three files at once: two photos and a text file dressed as a JPEG.
        const refused = page.waitForResponse(
          (response) => /\/api\/media\/\d+\/content$/.test(response.url()) && response.status() === 415,
        );
        await page.getByLabel('Select from your device').setInputFiles([files.jpeg, files.png, files.fake]);
        const reason = ((await (await refused).json()) as { detail: string }).detail;
        expect(reason).toMatch(/cannot be used as a photo/);

        // The refused file says why, in the server's words; Share waits until it is gone.
        await tile(page, files.fake.name).getByText(reason).waitFor();

        // Both photos: the progress bar fills, then processing settles and the placeholder is in.
        for (const photo of [files.jpeg, files.png]) {
          const photoTile = tile(page, photo.name);
          await photoTile.getByText('Ready').waitFor();
          const bar = photoTile.getByRole('progressbar', { name: `Upload of ${photo.name}` });
          expect(await bar.getAttribute('aria-valuenow')).toBe('100');
          expect(await photoTile.locator('img').getAttribute('style')).toContain('data:image/png;base64');
        }
        await shot('02-uploaded');
        expect(await page.getByRole('button', { name: 'Share' }).isDisabled()).toBe(true);
        await page.getByRole('button', { name: `Remove ${files.fake.name}` }).click();
        await tile(page, files.fake.name).waitFor({ state: 'detached' });

        const caption = `Golden hour at the pier #sunset with @${gil.username}`;
        await page.getByLabel('Caption', { exact: true }).fill(caption);
        await page.getByText(`${caption.length} / 2200`).waitFor();
        const share = page.getByRole('button', { name: 'Share' });
        expect(await share.isDisabled()).toBe(false);
        // Processing is quicker than a person: the new post is shown as the server says it is
        // while a photo is still processing (pending), so the page's "processing" state and its
        // polling until published are what this sees.
        await page.route('**/api/posts', async (route) => {
          const response = await route.fetch();
          const created = (await response.json()) as Record<string, unknown>;
          await route.fulfill({ response, json: { ...created, status: 'pending' } });
        });
        await share.click();

        // The post page: "processing" while pending, then published with the first photo loaded.
        await page.waitForURL(/\/p\/\d+$/);
        await page.unroute('**/api/posts');
        const postUrl = page.url();
        const post = page.getByRole('article', { name: `Post by @${gil.username}` });
        await post.getByRole('status').getByText('Processing your photos…').waitFor();
        await shot('03-post-processing');
        await post.getByText('Processing your photos…').waitFor({ state: 'detached' });
        const first = post.getByRole('img', { name: `${caption} (1 of 2)` });
        expect(await waitForPixels(first)).toBeGreaterThan(0);
        expect(await first.getAttribute('srcset')).toMatch(/ \d+w/);
        await post.getByText('#sunset', { exact: true }).waitFor();
        expect(
          await post.getByRole('link', { name: `@${gil.username}`, exact: true }).getAttribute('href'),
        ).toBe(`/u/${gil.username}`);
        await post.getByText('0 likes').waitFor();
        await shot('04-post');

        // The carousel: next shows the second photo.
        await post.getByRole('button', { name: 'Next photo' }).click();
        const second = post.getByRole('img', { name: `${caption} (2 of 2)` });
        expect(await waitForPixels(second)).toBeGreaterThan(0);
        expect(await post.getByRole('button', { name: 'Show photo 2' }).getAttribute('aria-current')).toBe(
          'true',
        );

        if (device === 'phone') {
          expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
            PHONE.width,
          );
        }

        // The profile: one post in the grid, a multi-photo tile.
        await post.getByRole('link', { name: gil.displayName }).click();
        await page.getByRole('heading', { name: gil.displayName, level: 1 }).waitFor();
        await page.locator('li', { hasText: /^1 post$/ }).waitFor();
        const grid = page.getByRole('list', { name: `Posts by ${gil.displayName}` });
        const tiles = grid.getByRole('link');
        await tiles.first().waitFor();
        expect(await tiles.count()).toBe(1);
        expect(await tiles.first().textContent()).toContain('2 photos');
        expect(await waitForPixels(tiles.first().getByRole('img'))).toBeGreaterThan(0);
        await shot('05-profile');

        // Open it from the grid and delete it.
        await tiles.first().click();
        await page.waitForURL(postUrl);
        await post.getByRole('button', { name: 'Delete' }).click();
        const dialog = page.getByRole('dialog', { name: 'Delete post?' });
        await dialog.waitFor();
        await shot('06-delete');
        await dialog.getByRole('button', { name: 'Delete' }).click();
        await page.getByRole('heading', { name: 'Share your first photo' }).waitFor();
        await page.locator('li', { hasText: /^0 posts$/ }).waitFor();
        expect(new URL(page.url()).pathname).toBe(`/u/${gil.username}`);
        await shot('07-profile-empty');

        // The deleted post's address: a designed "not available", not a broken page.
        await page.goto(postUrl);
        await page.getByRole('heading', { name: 'This post isn’t available' }).waitFor();

        await page.context().close();
        const unexpected = failed.filter((line) => !expectedConsoleError(line));
        expect(unexpected).toEqual([]);
        expect(errors).toHaveLength(failed.length);
      },
    );
  }
});
