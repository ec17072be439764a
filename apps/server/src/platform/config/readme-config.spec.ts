import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { describeConfig } from './config.js';

describe('README configuration table', () => {
  it('is the table generated from CONFIG_VARIABLES', () => {
    const readme = readFileSync(new URL('../../../../../README.md', import.meta.url), 'utf8');
    const generated = describeConfig().trim().split('\n').slice(1); // the header row's wording is the README's own
    expect(readme, 'the README table is out of date: run `npm run docs:config`').toContain(
      generated.join('\n'),
    );
  });
});
