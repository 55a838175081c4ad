// Test helpers: validate rendered cards with the Adaptive Cards SDK and read their content back.
import * as AC from 'adaptivecards';
import { z } from 'zod';
import { cardByteSize, type AdaptiveCardJson } from '../../src/cards/card-json.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every problem the SDK logs while parsing `json` as a 1.5 card, plus what `validateProperties()` finds. */
function sdkEvents(json: JsonObject): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  card.parse(json, context);
  const problems: string[] = [];
  for (let index = 0; index < context.eventCount; index++) {
    const event = context.getEventAt(index);
    problems.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of card.validateProperties().validationEvents) {
    problems.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  return problems;
}

// The SDK silently ignores properties it does not know (a typo such as `colour` parses without a
// single event), so property names are checked against each SDK class's own schema.
function schemaPropertyNames(instance: AC.SerializableObject): Set<string> {
  const schema = instance.getSchema();
  const names = new Set<string>();
  for (let index = 0; index < schema.getCount(); index++) names.add(schema.getItemAt(index).name);
  return names;
}

/** Children that SDK classes parse by hand rather than through their property schema. */
const STRUCTURAL_KEYS: Readonly<Record<string, readonly string[]>> = {
  AdaptiveCard: ['body', 'actions'],
  Container: ['items'],
  Column: ['items'],
  TableCell: ['items'],
  ColumnSet: ['columns'],
  ActionSet: ['actions'],
  'Action.ShowCard': ['card'],
  Table: ['rows'],
  TableRow: ['cells'],
};
const ANY_CARD_OBJECT_KEYS = ['fallback'];
/** The JS SDK names this `firstRowAsHeaders`; the 1.5 schema and Teams use `firstRowAsHeader`. */
const SCHEMA_NAME_FIXES: Readonly<Record<string, string>> = { firstRowAsHeaders: 'firstRowAsHeader' };

function sdkInstanceFor(node: JsonObject, parentKey: string | undefined, parentType: string | undefined): AC.SerializableObject | undefined {
  const type = typeof node.type === 'string' ? node.type : undefined;
  if (type === 'AdaptiveCard') return new AC.AdaptiveCard();
  if (type === 'Column') return new AC.Column();
  if (type === 'TableRow') return new AC.TableRow();
  if (type === 'TableCell') return new AC.TableCell();
  if (type !== undefined) {
    return AC.GlobalRegistry.elements.createInstance(type, AC.Versions.v1_5) ?? AC.GlobalRegistry.actions.createInstance(type, AC.Versions.v1_5);
  }
  if (parentKey === 'facts') return new AC.Fact();
  if (parentKey === 'columns' && parentType === 'Table') return new AC.TableColumnDefinition();
  if (parentKey === 'refresh') return new AC.RefreshDefinition();
  return undefined;
}

function unknownProperties(node: unknown, path: string, parentKey?: string, parentType?: string): string[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => unknownProperties(item, `${path}[${index}]`, parentKey, parentType));
  if (!isObject(node)) return [];
  const instance = sdkInstanceFor(node, parentKey, parentType);
  const type = typeof node.type === 'string' ? node.type : undefined;
  const problems: string[] = [];
  if (instance !== undefined) {
    const known = new Set([...schemaPropertyNames(instance)].map((name) => SCHEMA_NAME_FIXES[name] ?? name));
    for (const key of [...(STRUCTURAL_KEYS[type ?? ''] ?? []), ...ANY_CARD_OBJECT_KEYS]) known.add(key);
    for (const key of Object.keys(node)) {
      if (!known.has(key)) problems.push(`UnknownProperty: "${key}" at ${path} (${type ?? parentKey ?? 'object'})`);
    }
  }
  for (const [key, value] of Object.entries(node)) {
    // Action data is free-form by design.
    if (key === 'data') continue;
    problems.push(...unknownProperties(value, `${path}.${key}`, key, type));
  }
  return problems;
}

/** Action fallbacks are only parsed by the SDK when the primary action type is unknown: check them alone. */
function fallbackActionProblems(json: JsonObject): string[] {
  return collectNodes(json)
    .filter((node) => typeof node.type === 'string' && node.type.startsWith('Action.') && isObject(node.fallback))
    .flatMap((action) =>
      sdkEvents({
        type: 'AdaptiveCard',
        version: '1.5',
        body: [{ type: 'ActionSet', actions: [action.fallback] }],
      }).map((problem) => `in the fallback of "${String(action.title)}": ${problem}`),
    );
}

// Teams draws charts (Chart.*) that the JS SDK does not know: the SDK reports them as unknown and renders their
// fallback. A chart is accepted only with an element fallback (what other hosts show) and data of the
// documented shape (learn.microsoft.com, "Charts in Adaptive Cards").
const TEAMS_CHART = /^Unknown element type "Chart\.[A-Za-z.]+"\. Fallback will be used if present\.$/;
const groupedBarChartSchema = z.strictObject({
  type: z.literal('Chart.VerticalBar.Grouped'),
  title: z.string().optional(),
  data: z.array(z.strictObject({ legend: z.string(), values: z.array(z.strictObject({ x: z.string(), y: z.number() })) })).min(1),
  fallback: z.looseObject({ type: z.string() }),
});

function chartProblems(json: JsonObject): string[] {
  return collectNodes(json)
    .filter((node) => typeof node.type === 'string' && node.type.startsWith('Chart.'))
    .flatMap((chart) => {
      const parsed = groupedBarChartSchema.safeParse(chart);
      return parsed.success ? [] : [`Chart ${String(chart.type)}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`];
    });
}

/** Everything wrong with a card according to the Adaptive Cards SDK and its property schemas. */
export function cardProblems(card: AdaptiveCardJson | JsonObject): string[] {
  const json: JsonObject = { ...card };
  const events = sdkEvents(json).filter((event) => !TEAMS_CHART.test(event.replace(/^UnknownElementType: /, '')));
  return [...events, ...unknownProperties(json, 'card'), ...fallbackActionProblems(json), ...chartProblems(json)];
}

/** Every JSON object anywhere in `value`, depth first. */
export function collectNodes(value: unknown): JsonObject[] {
  if (Array.isArray(value)) return value.flatMap(collectNodes);
  if (!isObject(value)) return [];
  return [value, ...Object.values(value).flatMap(collectNodes)];
}

/** All visible text: TextBlock/TextRun text and FactSet titles and values, in document order. */
export function visibleTexts(card: AdaptiveCardJson): string[] {
  return collectNodes(card.body).flatMap((node) => {
    if ((node.type === 'TextBlock' || node.type === 'TextRun') && typeof node.text === 'string') return [node.text];
    if (typeof node.title === 'string' && typeof node.value === 'string' && node.type === undefined) return [node.title, node.value];
    return [];
  });
}

/** Visible text joined with newlines, for `toContain` assertions across elements. */
export const cardText = (card: AdaptiveCardJson): string => visibleTexts(card).join('\n');

export interface ExecuteActionFound {
  readonly title: string;
  readonly verb: string;
  readonly data: unknown;
  readonly fallback: unknown;
}

/** Every Action.Execute in the body and in `actions`, in document order (not the refresh action). */
export function executeActions(card: AdaptiveCardJson): ExecuteActionFound[] {
  const { refresh: _refresh, ...rest } = card;
  return collectNodes(rest)
    .filter((node) => node.type === 'Action.Execute')
    .map((node) => ({ title: String(node.title), verb: String(node.verb), data: node.data, fallback: node.fallback }));
}

export const byteSize = cardByteSize;

/** Template bindings the data did not satisfy stay in the output as `${…}`. */
export const unboundBindings = (card: AdaptiveCardJson): string[] => JSON.stringify(card).match(/\$\{[^}]*\}/g) ?? [];
