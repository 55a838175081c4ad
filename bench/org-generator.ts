// Generates a large organization file for the benchmarks: the Contoso demo (same users, same ids, so
// `ada`, `evan`… keep their rights) plus generated users, queues and their mailboxes, up to a target
// mailbox count. Deterministic: the same options give the same file, byte for byte.
// The result is checked with the real organization-file parser before anyone uses it.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { organizationFileSchema, parseOrganizationFile, type OrganizationData } from '../src/store/org-file.js';

export const CONTOSO_FILE = resolve(import.meta.dirname, '../examples/contoso.json');

type OrganizationFileInput = z.input<typeof organizationFileSchema>;
type UserInput = NonNullable<OrganizationFileInput['users']>[number];
type QueueInput = NonNullable<OrganizationFileInput['queues']>[number];
type MailboxInput = NonNullable<OrganizationFileInput['mailboxes']>[number];
type BusinessUnitInput = OrganizationFileInput['businessUnits'][number];
type ExchangeMailboxInput = NonNullable<OrganizationFileInput['exchange']['mailboxes']>[number];

export type ApprovalMix =
  /** A working organization: most approved, a quarter pending, a few rejected or never asked. */
  | 'realistic'
  /** Every generated mailbox approved (also by the Microsoft 365 admin): Test & Enable tests each one. */
  | 'allApproved'
  /** Every generated mailbox Pending Approval: approvals have 10,000 mailboxes to decide. */
  | 'allPending';

export interface GenerateOptions {
  /** Mailboxes in the whole organization, Contoso's 12 included. */
  readonly mailboxCount: number;
  /** Generated queues (each has a mailbox); the rest are user mailboxes. */
  readonly queueCount?: number;
  /** Simulated Exchange time per mailbox test. */
  readonly exchangeLatencyMs?: number;
  readonly approvalMix?: ApprovalMix;
  readonly seed?: number;
}

/** mulberry32, so the organization is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FIRST_NAMES = ['Alex', 'Bea', 'Chen', 'Dara', 'Eli', 'Fatima', 'Gio', 'Hana', 'Ivan', 'Jo', 'Kemal', 'Lena', 'Mo', 'Nia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Vik', 'Wen', 'Yara', 'Zoe'];
const LAST_NAMES = ['Abbott', 'Baker', 'Costa', 'Duval', 'Eriksen', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jansen', 'Kowalski', 'Lopez', 'Murphy', 'Nakamura', 'Okafor', 'Petrov', 'Quist', 'Rossi', 'Schmidt', 'Tanaka', 'Ueda', 'Varga', 'Weber', 'Xu', 'Young'];
const REGIONS = ['North', 'South', 'East', 'West', 'Central', 'Nordics', 'Iberia', 'Benelux'];

/** A GUID that cannot collide with Contoso's `00000000-0000-4000-8000-0000000000xx` ids. */
const generatedGuid = (index: number): string => `b0000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
const pad = (index: number): string => String(index).padStart(5, '0');

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick() needs a non-empty list');
  return item;
}

/** Approval and test state of one generated mailbox (everything else takes the product defaults). */
function mailboxState(mix: ApprovalMix, random: () => number): Omit<MailboxInput, 'regarding'> {
  if (mix === 'allApproved') return { emailRouterAccessApproval: 1, isEmailAddressApprovedByO365Admin: true };
  if (mix === 'allPending') return { emailRouterAccessApproval: 2 };
  const roll = random();
  if (roll < 0.25) return { emailRouterAccessApproval: 2 };
  if (roll < 0.3) return { emailRouterAccessApproval: 3 };
  if (roll < 0.45) return {};
  const tested = random();
  if (tested < 0.6) {
    return {
      emailRouterAccessApproval: 1,
      isEmailAddressApprovedByO365Admin: true,
      incomingEmailStatus: 1,
      outgoingEmailStatus: 1,
      actStatus: 1,
      mailboxStatus: 1,
      testMailboxAccessCompletedOn: '2025-01-15T09:00:00Z',
    };
  }
  if (tested < 0.65) {
    return {
      emailRouterAccessApproval: 1,
      isEmailAddressApprovedByO365Admin: true,
      incomingEmailStatus: 2,
      outgoingEmailStatus: 2,
      actStatus: 2,
      mailboxStatus: 2,
      enabledForIncomingEmail: false,
      enabledForOutgoingEmail: false,
      enabledForAct: false,
      testMailboxAccessCompletedOn: '2025-01-20T14:30:00Z',
    };
  }
  return { emailRouterAccessApproval: 1, isEmailAddressApprovedByO365Admin: true };
}

/** How the simulated Exchange treats one generated address: mostly healthy, a few transient or permanent failures. */
function exchangeBehaviour(mix: ApprovalMix, random: () => number): Pick<ExchangeMailboxInput, 'behaviour'> {
  if (mix !== 'realistic') return {};
  const roll = random();
  if (roll < 0.01) return { behaviour: { transientFailures: 1 } };
  if (roll < 0.015) return { behaviour: { permanentFailure: 'MailboxNotFound' } };
  return {};
}

/** The organization file as JSON-ready data. */
export async function generateOrganizationFile(options: GenerateOptions): Promise<OrganizationFileInput> {
  const contoso = organizationFileSchema.parse(JSON.parse(await readFile(CONTOSO_FILE, 'utf8')));
  const random = seededRandom(options.seed ?? 10_000);
  const mix = options.approvalMix ?? 'realistic';
  const queueCount = options.queueCount ?? 20;
  const contosoMailboxCount = contoso.users.length + contoso.queues.length;
  const userCount = options.mailboxCount - contosoMailboxCount - queueCount;
  if (userCount < 1) throw new RangeError(`mailboxCount must exceed ${contosoMailboxCount + queueCount} (Contoso's mailboxes plus the generated queues), got ${options.mailboxCount}`);

  const regions: BusinessUnitInput[] = REGIONS.map((region) => ({ id: `bu-${region.toLowerCase()}`, name: region, parentBusinessUnitId: 'bu-sales' }));
  const unitIds = ['bu-contoso', 'bu-sales', ...regions.map((unit) => unit.id)];

  const users: UserInput[] = [];
  const mailboxes: MailboxInput[] = [];
  const exchangeMailboxes: ExchangeMailboxInput[] = [];
  for (let index = 1; index <= userCount; index++) {
    const first = pick(FIRST_NAMES, random);
    const last = pick(LAST_NAMES, random);
    const id = `user-g${pad(index)}`;
    const email = `${first}.${last}.${pad(index)}@contoso.com`.toLowerCase();
    // Every 50th person customizes the system; the rest are salespeople who see their own mailbox.
    users.push({
      id,
      aadObjectId: generatedGuid(index),
      fullName: `${first} ${last} ${pad(index)}`,
      primaryEmail: email,
      businessUnitId: pick(unitIds, random),
      securityRoleIds: [index % 50 === 0 ? 'role-system-customizer' : 'role-salesperson'],
    });
    mailboxes.push({ regarding: { type: 'systemuser', id }, ...mailboxState(mix, random) });
    exchangeMailboxes.push({ emailAddress: email, ...exchangeBehaviour(mix, random) });
  }
  const queues: QueueInput[] = [];
  for (let index = 1; index <= queueCount; index++) {
    const id = `queue-g${pad(index)}`;
    const email = `queue.${pad(index)}@contoso.com`;
    queues.push({ id, name: `${pick(REGIONS, random)} Desk ${pad(index)}`, emailAddress: email, ownerId: `user-g${pad(index)}` });
    mailboxes.push({ regarding: { type: 'queue', id }, actDeliveryMethod: 2, ...mailboxState(mix, random) });
    exchangeMailboxes.push({ emailAddress: email, ...exchangeBehaviour(mix, random) });
  }

  // With every mailbox pending, Contoso's own mailboxes (including the ones the file leaves to defaults) are pending too.
  const contosoMailboxes: MailboxInput[] =
    mix === 'allPending'
      ? [
          ...contoso.users.map((user) => ({ regarding: { type: 'systemuser' as const, id: user.id } })),
          ...contoso.queues.map((queue) => ({ regarding: { type: 'queue' as const, id: queue.id } })),
        ].map((entry) => ({ ...contoso.mailboxes.find((listed) => listed.regarding.id === entry.regarding.id), ...entry, emailRouterAccessApproval: 2 }))
      : contoso.mailboxes;

  return {
    ...contoso,
    name: `Contoso (${options.mailboxCount.toLocaleString('en-US')} mailboxes)`,
    businessUnits: [...contoso.businessUnits, ...regions],
    users: [...contoso.users, ...users],
    queues: [...contoso.queues, ...queues],
    mailboxes: [...contosoMailboxes, ...mailboxes],
    exchange: {
      ...contoso.exchange,
      latencyMs: options.exchangeLatencyMs ?? 0,
      mailboxes: [...contoso.exchange.mailboxes, ...exchangeMailboxes],
    },
  };
}

/** Generates and validates with the real parser (throws `OrganizationFileError` listing every problem). */
export async function generateValidatedOrganization(options: GenerateOptions): Promise<{ readonly file: OrganizationFileInput; readonly data: OrganizationData }> {
  const file = await generateOrganizationFile(options);
  const data = parseOrganizationFile(JSON.parse(JSON.stringify(file)), `generated organization (${options.mailboxCount} mailboxes)`);
  return { file, data };
}
