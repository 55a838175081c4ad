// The dependency rules of src/, enforced by `npm run deps` (part of `npm run check`).
// Layers, inside out (docs/architecture.md draws them):
//   src/domain  pure rules and types; imports nothing of ours outside itself.
//   src/shared  small utilities every outer layer may use (logger, LRU cache, mutex, zod problems, config);
//               imports nothing of ours. The domain does not use it either: the domain stays free of I/O
//               and of anything but its own rules.
//   src/app     use cases over ports; imports src/domain and src/shared only.
//   adapters    src/bot, src/cards, src/store, src/exchange, src/notify, src/manifest, src/sso (Teams single
//               sign-on and the on-behalf-of exchange) (and any future src/dataverse, src/postgres): each implements or drives ports of src/app and may use
//               src/app, src/domain and src/shared, never another adapter, with one exception below.
//   src/main.ts, src/launcher.ts  the composition root: may import anything; nothing imports them.
//
// The one exception: src/bot may import src/cards. The cards are the bot's views (Adaptive Card payloads
// built from view models); nothing but the bot sends them, they depend only on src/domain and src/shared,
// and they live apart from src/bot so that the card gallery and manifest tooling can render them without a
// bot. Keeping them importable from the bot costs nothing in the other direction: src/cards importing
// src/bot is still forbidden.
//
// Paths are matched relative to the working directory, so the same rules run against src/ here and against
// the small fixture trees in test/architecture/.

const adapters = ['bot', 'cards', 'store', 'exchange', 'notify', 'manifest', 'dataverse', 'postgres', 'sso'];
const layers = ['domain', 'shared', 'app', ...adapters];
const alternatives = (names) => names.join('|');

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No cycles anywhere, type-only ones included: a cycle means two modules are really one.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-imports-only-domain',
      comment: 'src/domain is pure: it imports nothing of ours outside src/domain.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'domain-has-no-io',
      comment: 'src/domain does no I/O and uses no framework: only zod from outside.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: '(^|/)node_modules/zod/' },
    },
    {
      name: 'shared-imports-nothing-of-ours',
      comment: 'src/shared is usable by every outer layer because it depends on none of them.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'app-imports-only-domain-and-shared',
      comment: 'Use cases work over ports; they never reach for an adapter or the composition root.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/', pathNot: '^src/(app|domain|shared)/' },
    },
    {
      name: 'app-has-no-frameworks',
      comment: 'src/app knows no chat framework, web server, file store or logger implementation.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '(^|/)node_modules/(botbuilder|botframework-|restify|lowdb|adaptivecards|pino)' },
    },
    {
      name: 'adapters-do-not-import-each-other',
      comment:
        'An adapter uses src/app, src/domain, src/shared and itself only (no store -> notify, store -> exchange, ...); ' +
        'main.ts wires adapters together.',
      severity: 'error',
      from: { path: `^src/(${alternatives(adapters.filter((name) => name !== 'bot'))})/` },
      to: { path: '^src/', pathNot: '^src/($1|app|domain|shared)/' },
    },
    {
      name: 'bot-imports-only-its-views',
      comment: 'src/bot may use src/cards (its views; see the note at the top) but no other adapter (no bot -> store).',
      severity: 'error',
      from: { path: '^src/bot/' },
      to: { path: '^src/', pathNot: '^src/(bot|cards|app|domain|shared)/' },
    },
    {
      name: 'nothing-imports-the-composition-root',
      comment: 'main.ts and launcher.ts build everything; nothing may depend on them (launcher starts main).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/launcher\\.ts$' },
      to: { path: '^src/(main|launcher)\\.ts$' },
    },
    {
      name: 'no-loose-modules-at-src-root',
      comment: 'Only the composition root lives at src/ root; a shared utility goes to src/shared/.',
      severity: 'error',
      from: {},
      to: { path: '^src/[^/]+$', pathNot: '^src/(main|launcher)\\.ts$' },
    },
    {
      name: 'every-folder-has-a-layer',
      comment: `A new folder under src/ must be given its layer here first (known: ${layers.join(', ')}).`,
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: `^src/(${alternatives(layers)})/` },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type from another adapter couples just as much as a value.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
