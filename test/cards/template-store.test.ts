import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CARDS_DIRECTORY, CARD_TEMPLATE_NAMES, findPackageRoot, loadCardTemplate } from '../../src/cards/template-store.js';

describe('findPackageRoot', () => {
  const root = join('/', 'srv', 'mailbox-sync-bot');
  const hasFile = (path: string): boolean => path === join(root, 'package.json');

  it('finds the root from the TypeScript source, as vitest and tsx run it', () => {
    expect(findPackageRoot(pathToFileURL(join(root, 'src', 'cards', 'template-store.ts')).href, hasFile)).toBe(root);
  });

  it('finds the root from compiled output in dist/ or dist/src/, as plain node runs it', () => {
    expect(findPackageRoot(pathToFileURL(join(root, 'dist', 'cards', 'template-store.js')).href, hasFile)).toBe(root);
    expect(findPackageRoot(pathToFileURL(join(root, 'dist', 'src', 'cards', 'template-store.js')).href, hasFile)).toBe(root);
  });

  it('says where it looked when there is no package.json above the module', () => {
    expect(() => findPackageRoot(pathToFileURL(join('/', 'tmp', 'x', 'y.js')).href, () => false)).toThrow(/No package.json found in .*x or any folder above it/);
  });

  it('locates the real cards folder of this repository', () => {
    expect(readdirSync(CARDS_DIRECTORY)).toContain('approval.json');
  });
});

describe('card templates', () => {
  it('are exactly the JSON files in cards/, one per card', () => {
    const files = readdirSync(CARDS_DIRECTORY).filter((file) => file.endsWith('.json')).map((file) => file.replace(/\.json$/, ''));
    expect(files.sort()).toEqual([...CARD_TEMPLATE_NAMES].sort());
  });
});

describe('loadCardTemplate', () => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    directory = undefined;
  });

  function templateDirectory(contents: string): string {
    directory = mkdtempSync(join(tmpdir(), 'cards-'));
    writeFileSync(join(directory, 'help.json'), contents);
    return directory;
  }

  it('names the file when it is not JSON', () => {
    const folder = templateDirectory('{ not json');
    expect(() => loadCardTemplate('help', folder)).toThrow(`Card template ${join(folder, 'help.json')} could not be read as JSON`);
  });

  it('names the file and the wrong field when it is not a 1.5 card template', () => {
    const folder = templateDirectory(JSON.stringify({ type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.6', fallbackText: 'x', body: [{}] }));
    expect(() => loadCardTemplate('help', folder)).toThrow(/help\.json is not an Adaptive Card 1\.5 template:[\s\S]*version/);
  });

  it('refuses to return a card whose expansion lost its fallback text', () => {
    const folder = templateDirectory(
      JSON.stringify({ type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', fallbackText: '${summary}', body: [{ type: 'TextBlock', text: 'x' }] }),
    );
    const template = loadCardTemplate<{ summary: string }>('help', folder);
    expect(template.expand({ summary: 'All good' }).fallbackText).toBe('All good');
    expect(() => template.expand({ summary: '' })).toThrow(/Card template "help" expanded to an invalid card:[\s\S]*fallbackText/);
  });
});
