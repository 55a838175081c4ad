// Checks the two app icons against the Teams rules the manifest schema cannot see:
// colour icon 192x192, outline icon 32x32 with only white or fully transparent pixels.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { COLOR_ICON_PATH as COLOR_ICON_FILE, OUTLINE_ICON_PATH as OUTLINE_ICON_FILE } from './app-manifest.js';

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA (PNG spec, IHDR). */
  readonly colorType: number;
}

export class PngFormatError extends Error {
  override readonly name = 'PngFormatError';
}

/** Reads the IHDR chunk, which the PNG spec requires to come first, right after the signature. */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  if (bytes.length < 8 + 8 + 13 || PNG_SIGNATURE.some((byte, index) => bytes[index] !== byte)) {
    throw new PngFormatError('not a PNG file (bad signature or too short)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunkType = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunkType !== 'IHDR' || view.getUint32(8) !== 13) {
    throw new PngFormatError(`the first chunk is "${chunkType}", expected a 13-byte IHDR`);
  }
  return {
    width: view.getUint32(16),
    height: view.getUint32(20),
    bitDepth: view.getUint8(24),
    colorType: view.getUint8(25),
  };
}

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** Row-major RGBA, 8 bits per channel. */
  readonly data: Uint8Array;
}

export function decodePng(bytes: Uint8Array): RgbaImage {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height, data: png.data };
}

export interface PixelPosition {
  readonly x: number;
  readonly y: number;
}

/**
 * Pixels that break the outline rule. Fully transparent pixels may carry any RGB (it is invisible);
 * every other pixel must be pure white, with any alpha so that edges can be anti-aliased.
 */
export function nonWhiteOpaquePixels(image: RgbaImage): readonly PixelPosition[] {
  const offenders: PixelPosition[] = [];
  for (let index = 0; index < image.width * image.height; index += 1) {
    const [red, green, blue, alpha] = image.data.subarray(index * 4, index * 4 + 4);
    const isTransparent = alpha === 0;
    const isWhite = red === 255 && green === 255 && blue === 255;
    if (!isTransparent && !isWhite) offenders.push({ x: index % image.width, y: Math.floor(index / image.width) });
  }
  return offenders;
}

export function countVisiblePixels(image: RgbaImage): number {
  let visible = 0;
  for (let index = 3; index < image.data.length; index += 4) if (image.data[index] !== 0) visible += 1;
  return visible;
}

function sizeProblem(file: string, header: PngHeader, expected: number): string | undefined {
  if (header.width === expected && header.height === expected) return undefined;
  return `${file} is ${header.width}x${header.height}, Teams requires ${expected}x${expected}`;
}

async function readIcon(dir: string, file: string): Promise<{ bytes: Uint8Array } | { problem: string }> {
  try {
    return { bytes: await readFile(join(dir, file)) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { problem: `${file} cannot be read from ${dir}: ${reason}` };
  }
}

function headerOrProblem(file: string, bytes: Uint8Array): PngHeader | string {
  try {
    return readPngHeader(bytes);
  } catch (error) {
    if (error instanceof PngFormatError) return `${file}: ${error.message}`;
    throw error;
  }
}

/** Every problem with the icons in `dir`, or an empty list when both icons are fit for an app package. */
export async function checkIcons(dir: string): Promise<readonly string[]> {
  const problems: string[] = [];

  const color = await readIcon(dir, COLOR_ICON_FILE);
  if ('problem' in color) {
    problems.push(color.problem);
  } else {
    const header = headerOrProblem(COLOR_ICON_FILE, color.bytes);
    const problem = typeof header === 'string' ? header : sizeProblem(COLOR_ICON_FILE, header, COLOR_ICON_SIZE);
    if (problem !== undefined) problems.push(problem);
  }

  const outline = await readIcon(dir, OUTLINE_ICON_FILE);
  if ('problem' in outline) {
    problems.push(outline.problem);
  } else {
    const header = headerOrProblem(OUTLINE_ICON_FILE, outline.bytes);
    if (typeof header === 'string') {
      problems.push(header);
    } else {
      const wrongSize = sizeProblem(OUTLINE_ICON_FILE, header, OUTLINE_ICON_SIZE);
      if (wrongSize !== undefined) problems.push(wrongSize);
      const image = decodePng(outline.bytes);
      const offenders = nonWhiteOpaquePixels(image);
      const first = offenders[0];
      if (first !== undefined) {
        problems.push(
          `${OUTLINE_ICON_FILE} has ${offenders.length} pixel(s) that are neither white nor fully transparent, first at (${first.x}, ${first.y})`,
        );
      }
      if (countVisiblePixels(image) === 0) problems.push(`${OUTLINE_ICON_FILE} is fully transparent: the outline would be invisible`);
      if (countVisiblePixels(image) === image.width * image.height) {
        problems.push(`${OUTLINE_ICON_FILE} has no transparent pixels: Teams needs a transparent background`);
      }
    }
  }
  return problems;
}
