// The pictures the documentation shows exist, and the scenario screenshots the e2e suite saves are shown.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './support/environment.js';
import { DOCS_IMAGES } from './support/screenshots.js';

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const imagesIn = (markdown: string, prefix: string): string[] => [...markdown.matchAll(/!\[[^\]]*\]\(([^)\s]+\.png)\)/g)].flatMap((match) => (match[1]?.startsWith(prefix) ? [match[1].slice(prefix.length)] : []));

describe('the pictures in the documentation', () => {
  it('exist for every image README.md shows from docs/images', () => {
    const shown = imagesIn(readme, 'docs/images/');
    expect(shown.length).toBeGreaterThan(0);
    for (const image of shown) expect(existsSync(join(DOCS_IMAGES, image)), `docs/images/${image}`).toBe(true);
  });

  it('include every scenario screenshot the e2e suite keeps in docs/images, each shown in README.md', () => {
    const screenshots = readdirSync(DOCS_IMAGES).filter((file) => /^e2e-.*\.png$/.test(file));
    expect(screenshots.length).toBeGreaterThan(0);
    expect(screenshots.filter((file) => !readme.includes(`docs/images/${file}`))).toEqual([]);
  });
});
