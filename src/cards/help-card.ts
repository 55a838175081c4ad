import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { fact, type FactData } from './facts.js';
import { escapeMarkdown } from './format.js';
import { loadCardTemplate } from './template-store.js';
import type { HelpCommandView, HelpView } from './view-models.js';

interface HelpCardData extends ButtonSetData {
  readonly fallbackText: string;
  readonly isOverview: boolean;
  readonly isDetail: boolean;
  readonly overview?: {
    readonly hint: string;
    readonly categories: readonly {
      readonly title: string;
      readonly commands: readonly { readonly usage: string; readonly summary: string; readonly example: string }[];
    }[];
  };
  readonly detail?: {
    readonly title: string;
    readonly category: string;
    readonly summary: string;
    readonly usage: string;
    readonly example: string;
    readonly hasFacts: boolean;
    readonly facts: readonly FactData[];
    readonly paragraphs: readonly { readonly text: string }[];
  };
}

const template = loadCardTemplate<HelpCardData>('help');

function overviewData(view: Extract<HelpView, { kind: 'overview' }>): HelpCardData {
  const commands = view.categories.flatMap((category) => category.commands);
  // "help help" would be a poor example of asking for details.
  const firstCommand = commands.find((command) => command.name !== 'help') ?? commands[0];
  if (firstCommand === undefined) throw new RangeError('The help card needs at least one command');
  return {
    fallbackText: `Mailbox Sync Bot commands: ${commands.map((command) => command.name).join(', ')}. Type "help ${firstCommand.name}" for details.`,
    isOverview: true,
    isDetail: false,
    overview: {
      hint: `Type a command in this chat. For details of one command, type **help** and its name, e.g. **help ${escapeMarkdown(firstCommand.name)}**.`,
      categories: view.categories
        .filter((category) => category.commands.length > 0)
        .map((category) => ({
          title: escapeMarkdown(category.title),
          commands: category.commands.map((command) => ({
            usage: escapeMarkdown(command.usage),
            summary: escapeMarkdown(command.summary),
            example: `Example: ${escapeMarkdown(command.example)}`,
          })),
        })),
    },
    hasActions: false,
    actions: [],
  };
}

function detailFacts(command: HelpCommandView): FactData[] {
  const facts: FactData[] = [];
  if (command.aliases !== undefined && command.aliases.length > 0) {
    facts.push(fact('Also written', command.aliases.join(', ')));
  }
  if (command.whoCanRunIt !== undefined) facts.push(fact('Who can run it', command.whoCanRunIt));
  return facts;
}

function detailData(view: Extract<HelpView, { kind: 'command' }>): HelpCardData {
  const { command } = view;
  const facts = detailFacts(command);
  return {
    fallbackText: `${command.name}: ${command.summary} Usage: ${command.usage}. Example: ${command.example}`,
    isOverview: false,
    isDetail: true,
    detail: {
      title: escapeMarkdown(command.name),
      category: escapeMarkdown(view.category),
      summary: escapeMarkdown(command.summary),
      usage: escapeMarkdown(command.usage),
      example: escapeMarkdown(command.example),
      hasFacts: facts.length > 0,
      facts,
      paragraphs: (command.details ?? []).map((text) => ({ text: escapeMarkdown(text) })),
    },
    ...toButtonSet(view.actions, 'help'),
  };
}

/** All commands grouped by category (each with usage and an example), or one command in detail. */
export function renderHelpCard(view: HelpView): AdaptiveCardJson {
  return template.expand(view.kind === 'overview' ? overviewData(view) : detailData(view));
}
