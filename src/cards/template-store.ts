// Loads the JSON templates in cards/ once and expands them with adaptivecards-templating.
// Parsing a template (AEL expressions) costs milliseconds; expanding a prepared one costs well under one,
// so each renderer module prepares its template at load and reuses it for every render. Expanded cards are
// cached by their data (expansion-cache.ts) and shared, frozen, between replies.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'adaptivecards-templating';
import { z } from 'zod';
import {
  ADAPTIVE_CARD_SCHEMA_URL,
  ADAPTIVE_CARD_VERSION,
  adaptiveCardJsonSchema,
  type AdaptiveCardJson,
} from './card-json.js';
import { ExpandedCardCache } from './expansion-cache.js';

export const CARD_TEMPLATE_NAMES = [
  'alerts-wall',
  'approval',
  'audit-list',
  'confirmation',
  'diagnosis',
  'did-you-mean',
  'email-settings',
  'help',
  'job-progress',
  'mailbox-alert',
  'mailbox-detail',
  'mailbox-list',
  'operation-result',
  'profiles',
  'refusal',
  'security-roles',
  'sync-health',
  'usage-error',
  'whoami',
] as const;
export type CardTemplateName = (typeof CARD_TEMPLATE_NAMES)[number];

/**
 * The nearest folder at or above `moduleUrl` that holds package.json. Works from src/ (vitest, tsx) and
 * from dist/ (plain node), because dist/ has no package.json of its own.
 */
export function findPackageRoot(moduleUrl: string, hasFile: (path: string) => boolean = existsSync): string {
  const start = dirname(fileURLToPath(moduleUrl));
  for (let folder = start; ; folder = dirname(folder)) {
    if (hasFile(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) throw new Error(`No package.json found in ${start} or any folder above it`);
  }
}

export const CARDS_DIRECTORY = join(findPackageRoot(import.meta.url), 'cards');

const templateFileSchema = z
  .object({
    type: z.literal('AdaptiveCard'),
    $schema: z.literal(ADAPTIVE_CARD_SCHEMA_URL),
    version: z.literal(ADAPTIVE_CARD_VERSION),
    fallbackText: z.string().min(1),
    body: z.array(z.record(z.string(), z.unknown())).min(1),
  })
  .loose();

/** A prepared template; `TData` is the `$root` object its bindings read. */
export interface CardTemplate<TData extends object> {
  readonly name: CardTemplateName;
  /** The card for `data`; frozen and possibly shared with earlier replies, so never changed by the caller. */
  expand(data: TData): AdaptiveCardJson;
}

const preparedByPath = new Map<string, Template>();

/** One cache for every template, so the bound is on the process's memory, whichever cards are popular. */
export const expandedCards = new ExpandedCardCache();

function prepare(path: string): Template {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Card template ${path} could not be read as JSON`, { cause: error });
  }
  const checked = templateFileSchema.safeParse(parsed);
  if (!checked.success) {
    throw new Error(`Card template ${path} is not an Adaptive Card ${ADAPTIVE_CARD_VERSION} template:\n${z.prettifyError(checked.error)}`);
  }
  return new Template(checked.data);
}

/** Returns the prepared template for `name`, reading cards/<name>.json the first time only. */
export function loadCardTemplate<TData extends object>(name: CardTemplateName, directory = CARDS_DIRECTORY): CardTemplate<TData> {
  const path = join(directory, `${name}.json`);
  const template = preparedByPath.get(path) ?? prepare(path);
  preparedByPath.set(path, template);
  const expandUncached = (data: TData): AdaptiveCardJson => {
    const expanded: unknown = template.expand({ $root: data });
    // A `$when` that drops an object-valued property (e.g. `refresh`) leaves `null` behind.
    const withoutDroppedProperties = expanded !== null && typeof expanded === 'object'
      ? Object.fromEntries(Object.entries(expanded).filter(([, value]) => value !== null))
      : expanded;
    const card = adaptiveCardJsonSchema.safeParse(withoutDroppedProperties);
    if (!card.success) {
      throw new Error(`Card template "${name}" expanded to an invalid card:\n${z.prettifyError(card.error)}`);
    }
    return card.data;
  };
  return {
    name,
    expand(data: TData): AdaptiveCardJson {
      // The path tells apart templates of the same name in other folders (tests); the data is plain JSON by design.
      return expandedCards.getOrExpand(`${path}\u0000${JSON.stringify(data)}`, () => expandUncached(data));
    },
  };
}
