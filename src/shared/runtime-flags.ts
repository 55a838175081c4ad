// The Node options the bot process runs with: src/launcher.ts starts the bot with them, and the bench starts the
// bot it measures the same way. An operator's own value of an option (in NODE_OPTIONS or on the command line) wins.

/**
 * V8's young generation. Since Node 22 each semi-space is sized from the heap limit: 64 MB on a machine with 16 GB
 * or more, against 16 MB on Node 20. A server allocates through all of it between collections, so its pages stay
 * resident: 96 MB more RSS at rest and in Test & Enable for the same live objects (docs/performance.md, "Memory").
 * 16 MB is Node 20's size.
 */
const SEMI_SPACE_FLAG = '--max-semi-space-size';
const SEMI_SPACE_MB = 16;

/** The option names already set by `given` (command-line flags and NODE_OPTIONS), `_` and `-` alike. */
const optionNamesIn = (given: readonly string[]): Set<string> => new Set(given.flatMap((text) => text.split(/\s+/)).map((flag) => flag.split('=')[0]?.replaceAll('_', '-') ?? ''));

/** The flags to add to `given` (the launcher's own execArgv and NODE_OPTIONS) for the bot process. */
export function botNodeFlags(given: readonly string[]): readonly string[] {
  return optionNamesIn(given).has(SEMI_SPACE_FLAG) ? [] : [`${SEMI_SPACE_FLAG}=${SEMI_SPACE_MB}`];
}
