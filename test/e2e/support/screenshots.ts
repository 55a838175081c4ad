// Where scenario screenshots go. The committed pictures in docs/images/ change only on request
// (UPDATE_SCREENSHOTS=1 npm run test:e2e), so an ordinary run never dirties the working tree; otherwise
// they land in a temp folder that the run prints, for looking at a failure. Before refreshing, install
// Debian's fonts-noto-color-emoji: the bot's messages use a few emoji, which otherwise show as boxes.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const DOCS_IMAGES = resolve(import.meta.dirname, '../../../docs/images');

const updateFlagSchema = z
  .enum(['', '0', '1', 'true', 'false'], { message: 'UPDATE_SCREENSHOTS must be 1 or 0 (or true/false)' })
  .default('')
  .transform((value) => value === '1' || value === 'true');

export function screenshotsUpdateRequested(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return updateFlagSchema.parse(env.UPDATE_SCREENSHOTS);
}

export function screenshotDirectory(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const directory = screenshotsUpdateRequested(env) ? DOCS_IMAGES : join(tmpdir(), 'mailbox-sync-e2e-screenshots');
  mkdirSync(directory, { recursive: true });
  return directory;
}

/** `e2e-help.png` in the chosen folder. */
export function screenshotPath(name: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`Screenshot names are lower-case words joined by hyphens (got "${name}")`);
  return join(screenshotDirectory(env), `e2e-${name}.png`);
}
