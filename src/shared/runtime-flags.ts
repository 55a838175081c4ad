// The Node options the bot process runs with: src/launcher.ts starts the bot with them, and the bench starts the
// bot it measures the same way. An operator's own value of an option (in NODE_OPTIONS or on the command line) wins.
// Both size V8's heap for the bot rather than for the machine (docs/performance.md, "Memory on Node 24").

interface HeapOption {
  readonly flag: string;
  readonly megabytes: number;
}

const BOT_HEAP_OPTIONS: readonly HeapOption[] = [
  /**
   * V8's young generation. Since Node 22 each semi-space is sized from the heap limit: 64 MB on a machine with 16 GB
   * or more, against 16 MB on Node 20. A server allocates through all of it between collections, so its pages stay
   * resident: 96 MB more RSS at rest and in Test & Enable for the same live objects. 16 MB is Node 20's size.
   */
  { flag: '--max-semi-space-size', megabytes: 16 },
  /**
   * The old generation's limit. Left to Node it is a quarter of the machine's memory (6 GB on 24 GB), and from 2 GB
   * up V8 lets the old generation grow to four times what was live after a full collection before the next one;
   * below 2 GB the factor falls towards 1.3 (V8's MemoryController::MaxGrowingFactor), 1.8 at 1.5 GB. Test & Enable
   * of 10,000 mailboxes leaves some 80 MB of batch records in the old generation that are dead within a second, and
   * a chat turn through botbuilder about 45 KB: with the factor of 4, RSS reached 330-350 MB in Test & Enable and
   * 500 MB after a few minutes of chat, for 75-90 MB of live objects. 1.5 GB is some fifteen times the heap a
   * 10,000-mailbox organization needs.
   */
  { flag: '--max-old-space-size', megabytes: 1536 },
];

/** The option names already set by `given` (command-line flags and NODE_OPTIONS), `_` and `-` alike. */
const optionNamesIn = (given: readonly string[]): Set<string> => new Set(given.flatMap((text) => text.split(/\s+/)).map((flag) => flag.split('=')[0]?.replaceAll('_', '-') ?? ''));

/** The flags to add to `given` (the launcher's own execArgv and NODE_OPTIONS) for the bot process. */
export function botNodeFlags(given: readonly string[]): readonly string[] {
  const named = optionNamesIn(given);
  return BOT_HEAP_OPTIONS.filter(({ flag }) => !named.has(flag)).map(({ flag, megabytes }) => `${flag}=${megabytes}`);
}
