// docs/cards.md must show the cards as they are now: one section and one picture per gallery entry, each
// marked with the fingerprint of the card JSON it was rendered from. A changed card, a new sample or a
// removed one fails here until `npm run gallery` runs again. The gallery's in-browser renderer is checked too.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CARD_WIDTH_PX,
  GALLERY_IMAGES,
  GALLERY_MARKDOWN,
  gallerySlug,
  galleryMarkdown,
  galleryPictures,
  openGalleryRenderer,
  type GalleryRenderer,
} from '../../scripts/card-gallery.js';
import { cardGallery } from '../../src/cards/samples.js';

describe('the card gallery in docs/cards.md', () => {
  const pictures = galleryPictures();

  it('is what npm run gallery writes for the current cards (run it when this fails)', () => {
    expect(readFileSync(GALLERY_MARKDOWN, 'utf8')).toBe(galleryMarkdown(pictures));
  });

  it('has one picture per gallery entry, as wide as a card in Teams, and no leftover pictures', () => {
    const expected = pictures.map(({ slug }) => `${slug}.png`).sort();
    expect(existsSync(GALLERY_IMAGES)).toBe(true);
    expect(readdirSync(GALLERY_IMAGES).sort()).toEqual(expected);
    for (const file of expected) {
      const png = PNG.sync.read(readFileSync(join(GALLERY_IMAGES, file)));
      expect(png.width, file).toBe(CARD_WIDTH_PX);
      expect(png.height, file).toBeGreaterThan(40);
    }
  });

  it('names pictures after the entries, and refuses two entries that would share a picture', () => {
    expect(gallerySlug('approval (approved)')).toBe('approval-approved');
    expect(gallerySlug('profiles (Exchange Online missing)')).toBe('profiles-exchange-online-missing');
    const [first] = cardGallery;
    if (first === undefined) throw new Error('the gallery is empty');
    expect(() => galleryPictures([first, { ...first, name: `${first.name}!` }])).toThrow(/share the picture/);
  });
});

describe("the gallery's renderer (the Adaptive Cards SDK in headless Chromium)", () => {
  let renderer: GalleryRenderer;
  beforeAll(async () => {
    renderer = await openGalleryRenderer();
  });
  afterAll(async () => {
    await renderer?.close();
  });

  it('formats Markdown the way Teams does and shows escaped characters literally', async () => {
    const outcome = await renderer.render({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlock', wrap: true, text: 'Type **help** to start, _then_ ask.\n\n- first\n- second' },
        { type: 'TextBlock', wrap: true, text: 'Literal \\*stars\\* and \\_underscores\\_ and <b>tags</b>' },
      ],
    });
    expect(outcome.errors).toEqual([]);
    const { text, html } = await renderer.stage();
    expect(html).toContain('<strong>help</strong>');
    expect(html).toContain('<em>then</em>');
    expect(html).toMatch(/<ul[^>]*><li>first<\/li><li>second<\/li><\/ul>/);
    expect(text).toContain('Literal *stars* and _underscores_ and <b>tags</b>');
    expect(html).not.toContain('<b>tags</b>');
  });

  it('renders every gallery card without SDK errors and with its visible text', async () => {
    for (const entry of cardGallery) {
      const outcome = await renderer.render(entry.render());
      expect(outcome.errors, entry.name).toEqual([]);
      expect(outcome.width, entry.name).toBe(CARD_WIDTH_PX);
      const { text } = await renderer.stage();
      expect(text, entry.name).not.toMatch(/\*\*|\$\{/);
    }
  });
});
