// The Teams app manifest (schema 1.22) of Mailbox Sync, built from code so that the bot id and the
// command lists have one source each. manifest/manifest.json is this object with the placeholder bot id.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { describeIssues } from '../shared/zod-problems.js';

export const TEAMS_MANIFEST_VERSION = '1.22';
export const TEAMS_MANIFEST_SCHEMA_URL = 'https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json';

/** Bump on every manifest change that is uploaded to Teams: Teams only accepts an update with a higher version. */
export const APP_VERSION = '0.1.0';

/**
 * The committed manifest carries this all-zero GUID instead of a real bot id, so that the file itself is
 * schema-valid (botId must be a GUID) and holds no environment-specific value. Packaging refuses it.
 */
export const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';

/** UUIDv5 namespace for deriving the Teams app id from the bot id (see deriveAppId). Never change it. */
export const APP_ID_NAMESPACE = 'f28df055-ff29-48c7-a3a3-14fd42f155f0';

export const ACCENT_COLOR = '#0F6CBD';
export const COLOR_ICON_PATH = 'color.png';
export const OUTLINE_ICON_PATH = 'outline.png';

/** Schema 1.22 allows 10 commands per list (1.24 raised it to 12); we stay at 1.22's limit. */
export const MAX_COMMANDS_PER_LIST = 10;
export const MAX_COMMAND_LISTS = 3;
export const BOT_SCOPES = ['personal', 'team', 'groupChat'] as const;

const GUID_PATTERN = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const SEMVER_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

const guidSchema = z.string().regex(GUID_PATTERN, 'must be a GUID such as 6f1c2a9e-1b2c-4d3e-8f90-123456789abc');
const httpsUrlSchema = z.url({ protocol: /^https$/, message: 'must be an https:// URL' });
const scopeSchema = z.enum(BOT_SCOPES);

export const commandSchema = z.strictObject({
  title: z.string().trim().min(1, 'a command needs a title').max(128),
  description: z.string().trim().min(1, 'a command needs a description').max(4000),
});

export const commandListSchema = z
  .strictObject({
    scopes: z.array(scopeSchema).min(1, 'a command list needs at least one scope'),
    commands: z
      .array(commandSchema)
      .min(1, 'a command list needs at least one command')
      .max(MAX_COMMANDS_PER_LIST, `Teams manifest ${TEAMS_MANIFEST_VERSION} allows at most ${MAX_COMMANDS_PER_LIST} commands per list`),
  })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    for (const command of list.commands) {
      const key = command.title.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['commands'], message: `the title "${command.title}" appears twice` });
      seen.add(key);
    }
  });

export const commandListsSchema = z
  .array(commandListSchema)
  .max(MAX_COMMAND_LISTS, `a bot may have at most ${MAX_COMMAND_LISTS} command lists`)
  .superRefine((lists, ctx) => {
    // Teams shows one menu per scope; a scope in two lists would make one of them unreachable.
    const seen = new Set<string>();
    for (const scope of lists.flatMap((list) => list.scopes)) {
      if (seen.has(scope)) ctx.addIssue({ code: 'custom', message: `the scope "${scope}" is in more than one command list` });
      seen.add(scope);
    }
  });

export type ManifestCommand = z.infer<typeof commandSchema>;
export type ManifestCommandList = z.infer<typeof commandListSchema>;

/** What buildManifest accepts: any read-only list of that shape (it is parsed, not trusted). */
export interface CommandListInput {
  readonly scopes: readonly ManifestCommandList['scopes'][number][];
  readonly commands: readonly Readonly<ManifestCommand>[];
}

/** Our subset of schema 1.22, strict, so that the committed file is parsed rather than trusted. */
export const mailboxSyncManifestSchema = z.strictObject({
  $schema: z.literal(TEAMS_MANIFEST_SCHEMA_URL),
  manifestVersion: z.literal(TEAMS_MANIFEST_VERSION),
  version: z.string().regex(SEMVER_PATTERN, 'must be a semantic version x.y.z'),
  id: guidSchema,
  developer: z.strictObject({
    name: z.string().min(1).max(32),
    websiteUrl: httpsUrlSchema,
    privacyUrl: httpsUrlSchema,
    termsOfUseUrl: httpsUrlSchema,
  }),
  name: z.strictObject({ short: z.string().min(1).max(30), full: z.string().min(1).max(100) }),
  description: z.strictObject({ short: z.string().min(1).max(80), full: z.string().min(1).max(4000) }),
  icons: z.strictObject({ color: z.literal(COLOR_ICON_PATH), outline: z.literal(OUTLINE_ICON_PATH) }),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be #rrggbb'),
  bots: z
    .array(
      z.strictObject({
        botId: guidSchema,
        scopes: z.array(scopeSchema).min(1),
        isNotificationOnly: z.literal(false),
        supportsFiles: z.literal(false),
        commandLists: commandListsSchema,
      }),
    )
    .length(1, 'Teams supports exactly one bot per app'),
  validDomains: z.array(z.string()).max(16),
  /** Teams single sign-on (docs/sso.md): the Entra app Teams asks tokens for, and its Application ID URI. */
  webApplicationInfo: z.strictObject({ id: guidSchema, resource: z.string().regex(/^(api|https):\/\/\S+$/, 'must start with api:// or https://').max(2048) }).optional(),
});

/** The single sign-on app of the manifest's webApplicationInfo (SSO_APP_ID, SSO_APP_ID_URI). */
export interface SingleSignOnApp {
  readonly appId: string;
  readonly appIdUri: string;
}

/** Where the OAuth card's sign-in page runs (the fallback when single sign-on cannot be used). */
const BOT_FRAMEWORK_TOKEN_DOMAIN = 'token.botframework.com';

/** SSO_APP_ID and SSO_APP_ID_URI, both or neither; undefined when neither is set. */
export function parseSingleSignOn(env: Readonly<Record<string, string | undefined>>): SingleSignOnApp | undefined {
  const appId = env.SSO_APP_ID?.trim() ?? '';
  const appIdUri = env.SSO_APP_ID_URI?.trim() ?? '';
  if (appId === '' && appIdUri === '') return undefined;
  const problems: string[] = [];
  if (appId === '') problems.push('SSO_APP_ID_URI is set but SSO_APP_ID is empty: set both for single sign-on, or neither');
  else if (!GUID_PATTERN.test(appId)) problems.push(`SSO_APP_ID "${appId}" is not a GUID`);
  if (appIdUri === '') problems.push('SSO_APP_ID is set but SSO_APP_ID_URI is empty: set both for single sign-on, or neither');
  if (problems.length > 0) throw new ManifestInputError(problems, 'Cannot package the app');
  return { appId: appId.toLowerCase(), appIdUri };
}

export type MailboxSyncManifest = z.infer<typeof mailboxSyncManifestSchema>;

export class ManifestInputError extends Error {
  override readonly name = 'ManifestInputError';
  constructor(
    readonly problems: readonly string[],
    context: string,
  ) {
    super(`${context}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}


/**
 * The bot id for a real package: the Application (client) ID of the Azure Bot registration.
 * Lower-cased as the canonical form (Azure issues lower-case ids), so one registration always gives one app id.
 */
export function parseBotId(raw: string | undefined): string {
  const value = raw?.trim() ?? '';
  if (value === '') {
    throw new ManifestInputError(
      ['no bot id: set MicrosoftAppId or pass --bot-id <GUID> (the Application (client) ID of the Azure Bot registration)'],
      'Cannot package the app',
    );
  }
  if (!GUID_PATTERN.test(value)) throw new ManifestInputError([`bot id "${value}" is not a GUID`], 'Cannot package the app');
  if (value === PLACEHOLDER_BOT_ID) {
    throw new ManifestInputError([`bot id ${PLACEHOLDER_BOT_ID} is the placeholder of the committed manifest, not a real registration`], 'Cannot package the app');
  }
  return value.toLowerCase();
}

/**
 * The Teams app id, derived from the bot id as a name-based UUID (RFC 9562 version 5).
 * Why derived: one bot registration always yields the same app id (so re-uploads update the app),
 * while dev, test and production bots yield different apps that can coexist in one tenant.
 */
export function deriveAppId(botId: string): string {
  return nameBasedUuid(APP_ID_NAMESPACE, botId.toLowerCase());
}

/** RFC 9562 §5.5: SHA-1 of namespace bytes + name, with the version (5) and variant bits set. */
export function nameBasedUuid(namespace: string, name: string): string {
  const namespaceBytes = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const digest = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6);
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const FULL_DESCRIPTION = [
  'Mailbox Sync runs Dynamics 365 server-side synchronization with Exchange from Teams chat.',
  'Dynamics 365 administrators check email server profiles and the default email settings, apply them to mailboxes,',
  'and run Test & Enable for one mailbox or for every mailbox of a profile, then read the results and alerts in the conversation.',
  'Approvers see which mailbox email addresses wait for approval and approve or reject them from an Adaptive Card;',
  'every request is checked against the Dynamics 365 permission model (the Approve Email Addresses for Users or Queues privilege and the approver\'s role)',
  'before anything changes, and every decision is written to an audit log.',
  'Mailbox owners are told in Teams when their mailbox is enabled, fails a test or needs approval, with the reason and the next step.',
  'Type "help" to see what you can do.',
].join(' ');

/** The complete manifest for one bot registration. Throws ManifestInputError naming every problem. */
export function buildManifest(botId: string, commandLists: readonly CommandListInput[], singleSignOn?: SingleSignOnApp): MailboxSyncManifest {
  const parsedBotId = guidSchema.safeParse(botId);
  if (!parsedBotId.success) throw new ManifestInputError([`botId: ${describeIssues(parsedBotId.error, { root: null }).join('; ')}`], 'Cannot build the manifest');
  const parsedLists = commandListsSchema.safeParse(commandLists);
  if (!parsedLists.success) {
    throw new ManifestInputError(describeIssues(parsedLists.error, { under: ['commandLists'] }), 'Cannot build the manifest');
  }

  const manifest = mailboxSyncManifestSchema.safeParse({
    $schema: TEAMS_MANIFEST_SCHEMA_URL,
    manifestVersion: TEAMS_MANIFEST_VERSION,
    version: APP_VERSION,
    id: deriveAppId(parsedBotId.data),
    developer: {
      name: 'Mailbox Sync Bot team',
      websiteUrl: 'https://mailbox-sync.example.com/',
      privacyUrl: 'https://mailbox-sync.example.com/privacy',
      termsOfUseUrl: 'https://mailbox-sync.example.com/terms',
    },
    name: { short: 'Mailbox Sync', full: 'Mailbox Sync for Dynamics 365 and Exchange' },
    description: {
      short: 'Approve, test and enable Dynamics 365 mailboxes for Exchange sync from chat',
      full: FULL_DESCRIPTION,
    },
    icons: { color: COLOR_ICON_PATH, outline: OUTLINE_ICON_PATH },
    accentColor: ACCENT_COLOR,
    bots: [
      {
        botId: parsedBotId.data,
        scopes: [...BOT_SCOPES],
        isNotificationOnly: false,
        supportsFiles: false,
        commandLists: parsedLists.data,
      },
    ],
    // The bot opens no tabs or task modules; with single sign-on, the OAuth card's fallback sign-in page is the
    // Bot Framework token service's.
    validDomains: singleSignOn === undefined ? [] : [BOT_FRAMEWORK_TOKEN_DOMAIN],
    ...(singleSignOn === undefined ? {} : { webApplicationInfo: { id: singleSignOn.appId, resource: singleSignOn.appIdUri } }),
  });
  if (!manifest.success) throw new ManifestInputError(describeIssues(manifest.error, { root: null }), 'The manifest built from code is invalid');
  return manifest.data;
}
