import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ManifestCommandList } from '../../src/manifest/app-manifest.js';
import {
  BOT_SCOPES,
  MAX_COMMANDS_PER_LIST,
  ManifestInputError,
  PLACEHOLDER_BOT_ID,
  TEAMS_MANIFEST_SCHEMA_URL,
  buildManifest,
  deriveAppId,
  mailboxSyncManifestSchema,
  nameBasedUuid,
  parseBotId,
} from '../../src/manifest/app-manifest.js';
import { manifestCommandLists } from '../../src/bot/commands/help.js';
import { BUNDLED_SCHEMA_PATH, validateManifest } from '../../src/manifest/validate.js';
import { forbidNetworkInEachTest } from './network-guard.js';

const COMMITTED_MANIFEST = fileURLToPath(new URL('../../manifest/manifest.json', import.meta.url));
const BOT_ID = '6f1c2a9e-1b2c-4d3e-8f90-123456789abc';

async function readCommittedManifest() {
  const json: unknown = JSON.parse(await readFile(COMMITTED_MANIFEST, 'utf8'));
  return mailboxSyncManifestSchema.parse(json);
}

function commandsNamed(count: number): ManifestCommandList['commands'] {
  return Array.from({ length: count }, (_, index) => ({ title: `command ${index + 1}`, description: `does thing ${index + 1}` }));
}

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ManifestInputError) return error.problems;
    throw error;
  }
  return [];
}

forbidNetworkInEachTest();

describe('the committed Teams manifest', () => {
  it('passes the official 1.22 schema bundled in @microsoft/app-manifest with zero errors', async () => {
    expect(BUNDLED_SCHEMA_PATH).toMatch(/[\\/]@microsoft[\\/]app-manifest[\\/].*[\\/]teams[\\/]v1\.22[\\/]MicrosoftTeams\.schema\.json$/);
    expect(await validateManifest(await readCommittedManifest())).toEqual([]);
  });

  it('declares schema 1.22, the placeholder bot id and the Mailbox Sync identity', async () => {
    const manifest = await readCommittedManifest();
    expect(manifest.$schema).toBe(TEAMS_MANIFEST_SCHEMA_URL);
    expect(manifest.manifestVersion).toBe('1.22');
    expect(manifest.name.short).toBe('Mailbox Sync');
    expect(manifest.bots).toHaveLength(1);
    expect(manifest.bots[0]).toMatchObject({
      botId: PLACEHOLDER_BOT_ID,
      scopes: ['personal', 'team', 'groupChat'],
      isNotificationOnly: false,
      supportsFiles: false,
    });
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    for (const url of Object.values(manifest.developer).filter((value) => value.includes('://'))) expect(url).toMatch(/^https:\/\//);
  });

  it('is exactly what the code builds, so editing manifest.json by hand is caught (regenerate with npm run package -- --write-manifest)', async () => {
    expect(await readCommittedManifest()).toEqual(buildManifest(PLACEHOLDER_BOT_ID, manifestCommandLists()));
  });

  it('has the command menu of the command registry, at most ten commands per list, each scope in one list', async () => {
    const lists = (await readCommittedManifest()).bots[0]?.commandLists ?? [];
    expect(lists).toEqual(manifestCommandLists());
    expect(lists.length).toBeGreaterThan(0);
    for (const list of lists) expect(list.commands.length).toBeLessThanOrEqual(MAX_COMMANDS_PER_LIST);
    const scopes = lists.flatMap((list) => list.scopes);
    expect(new Set(scopes).size).toBe(scopes.length);
  });
});

describe('schema validation', () => {
  it('reports every broken field of a deliberately broken manifest', async () => {
    const valid = buildManifest(BOT_ID, manifestCommandLists());
    const bot = valid.bots[0];
    if (bot === undefined) throw new Error('the built manifest has no bot');
    const errors = await validateManifest({
      ...valid,
      id: 'not-a-guid',
      name: { short: 'Mailbox Sync for Dynamics 365 and Exchange Online' },
      accentColor: 'blue',
      bots: [{ ...bot, botId: 'bot', commandLists: [{ scopes: ['personal'], commands: commandsNamed(MAX_COMMANDS_PER_LIST + 1) }] }],
    });
    const pointers = errors.map((error) => error.split(' ')[0]);
    expect(pointers).toEqual(
      expect.arrayContaining(['/id', '/name/short', '/accentColor', '/bots/0/botId', '/bots/0/commandLists/0/commands']),
    );
  });

  it('catches an http developer URL with our own schema, because the official one accepts http', async () => {
    const valid = buildManifest(BOT_ID, manifestCommandLists());
    const withHttp = { ...valid, developer: { ...valid.developer, privacyUrl: 'http://example.com/privacy' } };
    expect(await validateManifest(withHttp)).toEqual([]);
    const parsed = mailboxSyncManifestSchema.safeParse(withHttp);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ['developer', 'privacyUrl'], message: 'must be an https:// URL' })]);
  });

  it('rejects a manifest that has no bot id at all', async () => {
    const valid = buildManifest(BOT_ID, manifestCommandLists());
    // @ts-expect-error botId is deliberately missing: the schema, not only the compiler, must catch it.
    const errors = await validateManifest({ ...valid, bots: [{ scopes: ['personal'] }] });
    expect(errors.join('\n')).toMatch(/\/bots\/0 must have required property 'botId'/);
  });
});

describe('building the manifest', () => {
  it('puts the bot id into the bot and derives a stable app id from it', () => {
    const manifest = buildManifest(BOT_ID, manifestCommandLists());
    expect(manifest.bots[0]?.botId).toBe(BOT_ID);
    expect(manifest.id).toBe(deriveAppId(BOT_ID));
    expect(manifest.id).not.toBe(deriveAppId(PLACEHOLDER_BOT_ID));
    expect(buildManifest(BOT_ID, manifestCommandLists())).toEqual(manifest);
  });

  it('refuses an eleventh command in a list, naming the limit', () => {
    const problems = problemsOf(() => buildManifest(BOT_ID, [{ scopes: ['personal'], commands: commandsNamed(11) }]));
    expect(problems).toEqual([expect.stringMatching(/^commandLists\[0\]\.commands: .*at most 10 commands per list/)]);
    expect(problemsOf(() => buildManifest(BOT_ID, [{ scopes: ['personal'], commands: commandsNamed(10) }]))).toEqual([]);
  });

  it('refuses a scope in two command lists and a title that appears twice', () => {
    const twice = [
      { scopes: ['personal' as const], commands: commandsNamed(1) },
      { scopes: ['personal' as const, 'team' as const], commands: commandsNamed(1) },
    ];
    expect(problemsOf(() => buildManifest(BOT_ID, twice))).toEqual([expect.stringMatching(/"personal" is in more than one command list/)]);
    const duplicate = [{ scopes: ['team' as const], commands: [...commandsNamed(1), { title: 'Command 1', description: 'again' }] }];
    expect(problemsOf(() => buildManifest(BOT_ID, duplicate))).toEqual([expect.stringMatching(/"Command 1" appears twice/)]);
  });

  it('refuses a bot id that is not a GUID', () => {
    expect(problemsOf(() => buildManifest('my-bot', manifestCommandLists()))).toEqual([expect.stringMatching(/^botId: must be a GUID/)]);
  });

  it('offers only the three chat scopes the bot supports', () => {
    expect(BOT_SCOPES).toEqual(['personal', 'team', 'groupChat']);
  });
});

describe('the bot id for packaging', () => {
  it('explains how to provide a missing bot id', () => {
    for (const missing of [undefined, '', '   ']) {
      expect(problemsOf(() => parseBotId(missing))).toEqual([expect.stringMatching(/no bot id: set MicrosoftAppId or pass --bot-id/)]);
    }
  });

  it('refuses text that is not a GUID and the committed placeholder', () => {
    expect(problemsOf(() => parseBotId('6f1c2a9e-1b2c-4d3e-8f90-123456789ab'))).toEqual([expect.stringMatching(/is not a GUID/)]);
    expect(problemsOf(() => parseBotId(PLACEHOLDER_BOT_ID))).toEqual([expect.stringMatching(/is the placeholder/)]);
  });

  it('accepts a GUID in any case and returns it lower-cased and trimmed', () => {
    expect(parseBotId(' 6F1C2A9E-1B2C-4D3E-8F90-123456789ABC ')).toBe(BOT_ID);
  });
});

describe('the derived app id', () => {
  it('is an RFC 9562 version 5 UUID, checked against the published example', () => {
    // RFC 9562 appendix A.4: the DNS namespace and "www.example.com".
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('does not depend on the case of the bot id and differs between bots', () => {
    expect(deriveAppId(BOT_ID.toUpperCase())).toBe(deriveAppId(BOT_ID));
    expect(deriveAppId(BOT_ID)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveAppId('11111111-2222-4333-8444-555555555555')).not.toBe(deriveAppId(BOT_ID));
  });
});
