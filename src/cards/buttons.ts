// Command buttons as template data. Templates render them as Action.Execute (verb `command`) inside an
// ActionSet, each with an Action.Submit fallback carrying the same command.
import { CardVerb, commandDataSchema, type CommandData } from './actions.js';
import type { CommandButtonView } from './view-models.js';

/** Teams and the SDK's default host config show at most 5 actions per set; more would be dropped unseen. */
export const MAX_BUTTONS_PER_SET = 5;

export interface ButtonData {
  readonly title: string;
  readonly command: string;
  /** The Action.Execute data: the command and, for paging, the list position. */
  readonly data: CommandData;
  /** The same for the Action.Submit fallback, which carries its verb in the data. */
  readonly submitData: CommandData & { readonly verb: typeof CardVerb.Command };
}

export interface ButtonSetData {
  /** Drives the ActionSet's `$when`: an ActionSet must not be empty. */
  readonly hasActions: boolean;
  readonly actions: readonly ButtonData[];
}

/** Checks the buttons a view asks for; a renderer calls this so a bad view fails loudly, not on click. */
export function toButtonData(buttons: readonly CommandButtonView[], cardName: string): ButtonData[] {
  if (buttons.length > MAX_BUTTONS_PER_SET) {
    throw new RangeError(`The ${cardName} card can show at most ${MAX_BUTTONS_PER_SET} buttons; got ${buttons.length}`);
  }
  return buttons.map((button) => {
    if (button.title.trim() === '') throw new RangeError(`A button on the ${cardName} card has an empty title`);
    const checked = commandDataSchema.safeParse({ command: button.command, ...(button.cursor === undefined ? {} : { cursor: button.cursor }) });
    if (!checked.success) {
      throw new RangeError(`Button "${button.title}" on the ${cardName} card has an invalid command: ${checked.error.issues[0]?.message ?? 'invalid'}`);
    }
    return { title: button.title, command: checked.data.command, data: checked.data, submitData: { verb: CardVerb.Command, ...checked.data } };
  });
}

export function toButtonSet(buttons: readonly CommandButtonView[] | undefined, cardName: string): ButtonSetData {
  const actions = toButtonData(buttons ?? [], cardName);
  return { hasActions: actions.length > 0, actions };
}
