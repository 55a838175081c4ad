// Draws the two app icons (an envelope with a sync badge) and writes them to manifest/.
// Run with `npx tsx scripts/make-icons.ts`; the PNGs are committed, so this only runs when the design changes.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { ACCENT_COLOR, COLOR_ICON_PATH, OUTLINE_ICON_PATH } from '../src/manifest/app-manifest.js';
import { COLOR_ICON_SIZE, OUTLINE_ICON_SIZE } from '../src/manifest/icons.js';

/** Whether a point (in pixel units, continuous) lies inside a shape. */
type Shape = (x: number, y: number) => boolean;
type Rgb = readonly [red: number, green: number, blue: number];

interface Layer {
  readonly shape: Shape;
  readonly color: Rgb;
}

/** Samples per pixel along each axis; 4x4 gives smooth edges without an anti-aliasing library. */
const SUPERSAMPLING = 4;

const WHITE: Rgb = [255, 255, 255];
const SYNC_GREEN: Rgb = [0x10, 0x7c, 0x10];

function hexToRgb(hex: string): Rgb {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(match[1], 16), parseInt(match[2], 16), parseInt(match[3], 16)];
}

const union =
  (...shapes: readonly Shape[]): Shape =>
  (x, y) =>
    shapes.some((shape) => shape(x, y));

const subtract =
  (shape: Shape, hole: Shape): Shape =>
  (x, y) =>
    shape(x, y) && !hole(x, y);

const fullSquare: Shape = () => true;

function roundedRect(left: number, top: number, right: number, bottom: number, radius: number): Shape {
  return (x, y) => {
    if (x < left || x > right || y < top || y > bottom) return false;
    const dx = Math.max(left + radius - x, 0, x - (right - radius));
    const dy = Math.max(top + radius - y, 0, y - (bottom - radius));
    return dx * dx + dy * dy <= radius * radius;
  };
}

function roundedRectStroke(left: number, top: number, right: number, bottom: number, radius: number, width: number): Shape {
  return subtract(
    roundedRect(left, top, right, bottom, radius),
    roundedRect(left + width, top + width, right - width, bottom - width, Math.max(radius - width, 0)),
  );
}

function disc(centerX: number, centerY: number, radius: number): Shape {
  return (x, y) => (x - centerX) ** 2 + (y - centerY) ** 2 <= radius * radius;
}

/** A straight stroke with round caps. */
function segment(ax: number, ay: number, bx: number, by: number, width: number): Shape {
  const lengthSquared = (bx - ax) ** 2 + (by - ay) ** 2;
  return (x, y) => {
    const t = Math.min(1, Math.max(0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / lengthSquared));
    return (x - (ax + t * (bx - ax))) ** 2 + (y - (ay + t * (by - ay))) ** 2 <= (width / 2) ** 2;
  };
}

function triangle(points: readonly [readonly [number, number], readonly [number, number], readonly [number, number]]): Shape {
  const [[x1, y1], [x2, y2], [x3, y3]] = points;
  const side = (px: number, py: number, ax: number, ay: number, bx: number, by: number) => (px - bx) * (ay - by) - (ax - bx) * (py - by);
  return (x, y) => {
    const d1 = side(x, y, x1, y1, x2, y2);
    const d2 = side(x, y, x2, y2, x3, y3);
    const d3 = side(x, y, x3, y3, x1, y1);
    const hasNegative = d1 < 0 || d2 < 0 || d3 < 0;
    const hasPositive = d1 > 0 || d2 > 0 || d3 > 0;
    return !(hasNegative && hasPositive);
  };
}

const degrees = (value: number) => (value * Math.PI) / 180;

/**
 * A clockwise arrow along a circle (screen coordinates, y down, so angles grow clockwise),
 * from `startAngle` to `endAngle` in degrees, with the head at the end.
 */
function arcArrow(centerX: number, centerY: number, radius: number, width: number, startAngle: number, endAngle: number, headLength: number): Shape {
  const from = degrees(startAngle);
  const to = degrees(endAngle);
  const body: Shape = (x, y) => {
    const distance = Math.hypot(x - centerX, y - centerY);
    if (Math.abs(distance - radius) > width / 2) return false;
    let angle = Math.atan2(y - centerY, x - centerX);
    while (angle < from) angle += 2 * Math.PI;
    return angle <= to;
  };
  const endX = centerX + radius * Math.cos(to);
  const endY = centerY + radius * Math.sin(to);
  const [radialX, radialY] = [Math.cos(to), Math.sin(to)];
  const [tangentX, tangentY] = [-Math.sin(to), Math.cos(to)];
  const halfBase = width * 1.4;
  const head = triangle([
    [endX + radialX * halfBase, endY + radialY * halfBase],
    [endX - radialX * halfBase, endY - radialY * halfBase],
    [endX + tangentX * headLength, endY + tangentY * headLength],
  ]);
  return union(body, head);
}

/** Two half-circle arrows chasing each other: the usual "sync" glyph. */
function syncArrows(centerX: number, centerY: number, radius: number, width: number, headLength: number): Shape {
  return union(
    arcArrow(centerX, centerY, radius, width, -165, -30, headLength),
    arcArrow(centerX, centerY, radius, width, 15, 150, headLength),
  );
}

/** Composites layers bottom to top with supersampled coverage as alpha; uncovered pixels stay transparent white. */
function render(size: number, layers: readonly Layer[]): PNG {
  const png = new PNG({ width: size, height: size, colorType: 6 });
  const step = 1 / SUPERSAMPLING;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let [red, green, blue, alpha] = [255, 255, 255, 0];
      for (const layer of layers) {
        let covered = 0;
        for (let sy = 0; sy < SUPERSAMPLING; sy += 1) {
          for (let sx = 0; sx < SUPERSAMPLING; sx += 1) {
            if (layer.shape(px + (sx + 0.5) * step, py + (sy + 0.5) * step)) covered += 1;
          }
        }
        const coverage = covered / (SUPERSAMPLING * SUPERSAMPLING);
        if (coverage === 0) continue;
        const outAlpha = coverage + alpha * (1 - coverage);
        const mix = (source: number, destination: number) => (source * coverage + destination * alpha * (1 - coverage)) / outAlpha;
        [red, green, blue, alpha] = [mix(layer.color[0], red), mix(layer.color[1], green), mix(layer.color[2], blue), outAlpha];
      }
      const offset = (py * size + px) * 4;
      png.data[offset] = Math.round(red);
      png.data[offset + 1] = Math.round(green);
      png.data[offset + 2] = Math.round(blue);
      png.data[offset + 3] = Math.round(alpha * 255);
    }
  }
  return png;
}

/** 192x192: white envelope on the accent colour, green sync badge in the lower right. */
function drawColorIcon(): PNG {
  const accent = hexToRgb(ACCENT_COLOR);
  const badge = { x: 140, y: 136, radius: 38 };
  return render(COLOR_ICON_SIZE, [
    { shape: fullSquare, color: accent },
    { shape: roundedRect(24, 46, 152, 138, 12), color: WHITE },
    { shape: union(segment(36, 60, 88, 100, 9), segment(88, 100, 140, 60, 9)), color: accent },
    // A ring of background colour separates the badge from the envelope.
    { shape: disc(badge.x, badge.y, badge.radius + 7), color: accent },
    { shape: disc(badge.x, badge.y, badge.radius), color: SYNC_GREEN },
    { shape: syncArrows(badge.x, badge.y, 21, 7, 11), color: WHITE },
  ]);
}

/** 32x32: the same envelope and sync badge as white strokes on a transparent background. */
function drawOutlineIcon(): PNG {
  const badge = { x: 23.5, y: 22.5 };
  const envelope = union(roundedRectStroke(1.5, 5, 26.5, 24, 2.5, 2), segment(4.5, 8, 14, 15, 2), segment(14, 15, 23.5, 8, 2));
  const envelopeWithBadgeGap = subtract(envelope, disc(badge.x, badge.y, 8.5));
  return render(OUTLINE_ICON_SIZE, [{ shape: union(envelopeWithBadgeGap, syncArrows(badge.x, badge.y, 5.5, 2, 4.5)), color: WHITE }]);
}

async function main(): Promise<void> {
  const manifestDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'manifest');
  await writeFile(join(manifestDir, COLOR_ICON_PATH), PNG.sync.write(drawColorIcon()));
  await writeFile(join(manifestDir, OUTLINE_ICON_PATH), PNG.sync.write(drawOutlineIcon()));
  console.log(`wrote ${COLOR_ICON_PATH} and ${OUTLINE_ICON_PATH} to ${manifestDir}`);
}

await main();
