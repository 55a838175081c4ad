import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PngFormatError,
  checkIcons,
  countVisiblePixels,
  decodePng,
  nonWhiteOpaquePixels,
  readPngHeader,
} from '../../src/manifest/icons.js';
import { forbidNetworkInEachTest } from './network-guard.js';

const MANIFEST_DIR = fileURLToPath(new URL('../../manifest/', import.meta.url));

type Rgba = readonly [number, number, number, number];

/** A square PNG filled with `fill`, with `marks` pixels painted on top. */
function pngBytes(size: number, fill: Rgba, marks: readonly { x: number; y: number; color: Rgba }[] = []): Buffer {
  const png = new PNG({ width: size, height: size, colorType: 6 });
  for (let index = 0; index < size * size; index += 1) png.data.set(fill, index * 4);
  for (const mark of marks) png.data.set(mark.color, (mark.y * size + mark.x) * 4);
  return PNG.sync.write(png);
}

const TRANSPARENT: Rgba = [0, 0, 0, 0];
const WHITE: Rgba = [255, 255, 255, 255];
const BLUE: Rgba = [15, 108, 189, 255];

const scratchDirs: string[] = [];
async function iconsDir(color: Buffer, outline: Buffer | undefined): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mailbox-sync-icons-'));
  scratchDirs.push(dir);
  await writeFile(join(dir, 'color.png'), color);
  if (outline !== undefined) await writeFile(join(dir, 'outline.png'), outline);
  return dir;
}

forbidNetworkInEachTest();
afterEach(async () => {
  await Promise.all(scratchDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the committed icons', () => {
  it('have the sizes Teams requires, read from the PNG headers: colour 192x192, outline 32x32', async () => {
    expect(readPngHeader(await readFile(join(MANIFEST_DIR, 'color.png')))).toMatchObject({ width: 192, height: 192 });
    expect(readPngHeader(await readFile(join(MANIFEST_DIR, 'outline.png')))).toMatchObject({ width: 32, height: 32 });
  });

  it('draw the outline in white only, on a transparent background', async () => {
    const outline = decodePng(await readFile(join(MANIFEST_DIR, 'outline.png')));
    expect(nonWhiteOpaquePixels(outline)).toEqual([]);
    const visible = countVisiblePixels(outline);
    expect(visible).toBeGreaterThan(32 * 32 * 0.1);
    expect(visible).toBeLessThan(32 * 32 * 0.7);
  });

  it('use colour in the colour icon rather than a blank square', async () => {
    const color = decodePng(await readFile(join(MANIFEST_DIR, 'color.png')));
    const distinct = new Set<string>();
    for (let index = 0; index < color.data.length; index += 4) distinct.add(color.data.subarray(index, index + 3).join(','));
    expect(distinct.size).toBeGreaterThan(3);
    expect(nonWhiteOpaquePixels(color).length).toBeGreaterThan(0);
  });

  it('pass every icon check', async () => {
    expect(await checkIcons(MANIFEST_DIR)).toEqual([]);
  });
});

describe('icon checks', () => {
  it('report icons of the wrong size with both sizes in the message', async () => {
    const dir = await iconsDir(pngBytes(96, BLUE), pngBytes(48, TRANSPARENT, [{ x: 1, y: 1, color: WHITE }]));
    expect(await checkIcons(dir)).toEqual([
      'color.png is 96x96, Teams requires 192x192',
      'outline.png is 48x48, Teams requires 32x32',
    ]);
  });

  it('report a coloured pixel in the outline icon with its position', async () => {
    const dir = await iconsDir(pngBytes(192, BLUE), pngBytes(32, TRANSPARENT, [{ x: 5, y: 3, color: WHITE }, { x: 7, y: 2, color: [255, 0, 0, 255] }]));
    expect(await checkIcons(dir)).toEqual(['outline.png has 1 pixel(s) that are neither white nor fully transparent, first at (7, 2)']);
  });

  it('accept anti-aliased white edges but not a semi-transparent grey', async () => {
    const edges = await iconsDir(pngBytes(192, BLUE), pngBytes(32, TRANSPARENT, [{ x: 0, y: 0, color: [255, 255, 255, 90] }]));
    expect(await checkIcons(edges)).toEqual([]);
    const grey = await iconsDir(pngBytes(192, BLUE), pngBytes(32, TRANSPARENT, [{ x: 0, y: 0, color: [128, 128, 128, 90] }]));
    expect(await checkIcons(grey)).toEqual([expect.stringMatching(/^outline\.png has 1 pixel/)]);
  });

  it('report an outline icon without a transparent background, and one that is invisible', async () => {
    const opaque = await iconsDir(pngBytes(192, BLUE), pngBytes(32, WHITE));
    expect(await checkIcons(opaque)).toEqual(['outline.png has no transparent pixels: Teams needs a transparent background']);
    const invisible = await iconsDir(pngBytes(192, BLUE), pngBytes(32, TRANSPARENT));
    expect(await checkIcons(invisible)).toEqual(['outline.png is fully transparent: the outline would be invisible']);
  });

  it('report a missing icon and a file that is not a PNG', async () => {
    const dir = await iconsDir(Buffer.from('GIF89a not a png at all, padded to be long enough'), undefined);
    const problems = await checkIcons(dir);
    expect(problems).toEqual([
      'color.png: not a PNG file (bad signature or too short)',
      expect.stringMatching(/^outline\.png cannot be read from .*ENOENT/),
    ]);
  });

  it('read width and height from the IHDR chunk and refuse bytes that are not a PNG', () => {
    expect(readPngHeader(pngBytes(7, WHITE))).toEqual({ width: 7, height: 7, bitDepth: 8, colorType: 6 });
    expect(() => readPngHeader(new Uint8Array([0x89, 0x50]))).toThrow(PngFormatError);
  });
});
