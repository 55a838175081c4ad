// The Node options the bot process runs with: src/launcher.ts starts the bot with them, and the bench starts the
// bot it measures the same way. An operator's own value of an option (in NODE_OPTIONS or on the command line) wins.

interface RuntimeFlag {
  readonly name: string;
  readonly value: number;
}

const BOT_RUNTIME_FLAGS: readonly RuntimeFlag[] = [
  /**
   * V8's young generation. Since Node 22 each semi-space is sized from the heap limit: 64 MB on a machine with 16 GB
   * or more, against 16 MB on Node 20. A server allocates through all of it between collections, so its pages stay
   * resident: 96 MB more RSS at rest and in Test & Enable for the same live objects (docs/performance.md, "Memory").
   * 16 MB is Node 20's size.
   */
  { name: '--max-semi-space-size', value: 16 },
  /**
   * How far the old generation may grow past what survived the last full collection before V8 marks again. V8
   * picks up to 4x by itself when collections look cheap; a whole-organization Test & Enable allocates hundreds of
   * megabytes of short-lived records in a few seconds, so most of its peak RSS was garbage waiting for that
   * mark (docs/performance.md, "Memory on Node 24"). 1.25x keeps the peak close to what is live.
   */
  { name: '--heap-growing-percent', value: 25 },
];

/** The option names already set by `given` (command-line flags and NODE_OPTIONS), `_` and `-` alike. */
const optionNamesIn = (given: readonly string[]): Set<string> => new Set(given.flatMap((text) => text.split(/\s+/)).map((flag) => flag.split('=')[0]?.replaceAll('_', '-') ?? ''));

/** The flags to add to `given` (the launcher's own execArgv and NODE_OPTIONS) for the bot process. */
export function botNodeFlags(given: readonly string[]): readonly string[] {
  const alreadySet = optionNamesIn(given);
  return BOT_RUNTIME_FLAGS.filter((flag) => !alreadySet.has(flag.name)).map((flag) => `${flag.name}=${flag.value}`);
}
