// Chat texts that put a word Object.prototype knows into every argument position of every command in
// the registry: each example's argument tokens replaced one at a time, the word appended, and the word
// as the only argument. Generated from the registry, so a new command is covered without editing this.
import { commandIds, commandRegistry, matchCommandWords, type CommandId, type ConversationScope } from '../../../src/bot/commands/registry.js';
import { renderTokens, tokenize, type Token } from '../../../src/bot/commands/text.js';

export const PROTOTYPE_WORDS = ['constructor', 'toString', '__proto__', 'hasOwnProperty'] as const;

export interface PrototypeCase {
  readonly id: CommandId;
  readonly word: string;
  readonly text: string;
  /** A scope where the command runs, so that its arguments are read rather than refused by scope. */
  readonly scope: ConversationScope;
}

function commandWordCount(tokens: readonly Token[]): number {
  const words: string[] = [];
  for (const token of tokens) {
    if (token.kind !== 'word' || token.text.includes('@')) break;
    words.push(token.text.toLowerCase());
  }
  return matchCommandWords(words)?.wordCount ?? 0;
}

export function prototypeWordCases(): readonly PrototypeCase[] {
  const cases = new Map<string, PrototypeCase>();
  for (const id of commandIds) {
    const command = commandRegistry[id];
    const scope: ConversationScope = command.scopes.includes('personal') ? 'personal' : (command.scopes[0] ?? 'personal');
    for (const input of [command.name, ...command.examples.map((example) => example.input)]) {
      const { tokens } = tokenize(input);
      const wordCount = commandWordCount(tokens);
      const name = tokens.slice(0, wordCount);
      const args = tokens.slice(wordCount);
      for (const word of PROTOTYPE_WORDS) {
        const replacement: Token = { kind: 'word', text: word };
        const variants: (readonly Token[])[] = [[replacement], [...args, replacement]];
        args.forEach((token, index) => {
          if (token.kind === 'word' || token.kind === 'quoted') variants.push(args.map((other, at) => (at === index ? replacement : other)));
        });
        for (const variant of variants) {
          const text = renderTokens([...name, ...variant]);
          cases.set(`${scope} ${text}`, { id, word, text, scope });
        }
      }
    }
  }
  return [...cases.values()];
}
