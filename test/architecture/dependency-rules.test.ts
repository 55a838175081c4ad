// The dependency rules (.dependency-cruiser.mjs) are run the way `npm run deps` runs them, against small
// fixture trees written here: each forbidden import must be reported under its rule, and a tree that keeps
// every rule must pass. Then the real src/ must pass.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const configFile = join(root, '.dependency-cruiser.mjs');
const cli = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');

const violationSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  rule: z.looseObject({ name: z.string(), severity: z.string() }),
});
const reportSchema = z.looseObject({
  summary: z.looseObject({ violations: z.array(violationSchema), totalCruised: z.number() }),
});
type Violation = z.infer<typeof violationSchema>;

/** Runs the project's rules over `src` in `cwd` and returns what they report. */
function cruise(cwd: string): { violations: Violation[]; modules: number } {
  const run = spawnSync(process.execPath, [cli, 'src', '--config', configFile, '--output-type', 'json'], { cwd, encoding: 'utf8' });
  if (run.error !== undefined) throw run.error;
  const report = reportSchema.parse(JSON.parse(run.stdout));
  return { violations: report.summary.violations, modules: report.summary.totalCruised };
}

/** Runs `npm run deps` as package.json spells it (with the config's absolute path) and returns its exit code. */
function depsScriptExitCode(cwd: string): number | null {
  const packageJson = z.object({ scripts: z.object({ deps: z.string() }) }).parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
  const [command, ...args] = packageJson.scripts.deps.split(' ');
  expect(command).toBe('depcruise');
  const run = spawnSync(process.execPath, [cli, ...args.map((arg) => (arg === '.dependency-cruiser.mjs' ? configFile : arg))], { cwd, encoding: 'utf8' });
  if (run.error !== undefined) throw run.error;
  return run.status;
}

const tsconfig = JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true }, include: ['src'] });
const fixtures: string[] = [];

/** Writes a tree of files (path -> content) under a fresh folder with a tsconfig, and returns the folder. */
function fixtureTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dependency-rules-'));
  fixtures.push(dir);
  writeFileSync(join(dir, 'tsconfig.json'), tsconfig);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

afterAll(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
});

const leaf = (name: string) => `export const ${name} = 1;\n`;

describe('dependency rules on fixture trees', () => {
  it('pass a tree that keeps every rule, with the allowed imports of each layer', () => {
    const dir = fixtureTree({
      'src/domain/rules.ts': `import { other } from './other.js';\nexport const rules = other;\n`,
      'src/domain/other.ts': leaf('other'),
      'src/shared/mutex.ts': leaf('mutex'),
      'src/app/use-case.ts': `import { rules } from '../domain/rules.js';\nimport { mutex } from '../shared/mutex.js';\nexport const useCase = rules + mutex;\n`,
      'src/cards/card.ts': `import { rules } from '../domain/rules.js';\nexport const card = rules;\n`,
      'src/bot/handler.ts': `import { useCase } from '../app/use-case.js';\nimport { card } from '../cards/card.js';\nimport { mutex } from '../shared/mutex.js';\nexport const handler = useCase + card + mutex;\n`,
      'src/store/repository.ts': `import type { useCase } from '../app/use-case.js';\nexport const repository: typeof useCase = 1;\n`,
      'src/main.ts': `import { handler } from './bot/handler.js';\nimport { repository } from './store/repository.js';\nexport const main = handler + repository;\n`,
      'src/launcher.ts': `import { main } from './main.js';\nexport const launcher = main;\n`,
    });
    const result = cruise(dir);
    expect(result.modules).toBe(9);
    expect(result.violations).toEqual([]);
    expect(depsScriptExitCode(dir)).toBe(0);
  });

  it('make `npm run deps` (and so `npm run check`) fail on a violation', () => {
    const dir = fixtureTree({
      'src/domain/rules.ts': `import { repository } from '../store/repository.js';\nexport const rules = repository;\n`,
      'src/store/repository.ts': leaf('repository'),
    });
    expect(depsScriptExitCode(dir)).not.toBe(0);
    const check = z.object({ scripts: z.object({ check: z.string() }) }).parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
    expect(check.scripts.check).toContain('npm run deps');
  });

  const cases: { name: string; files: Record<string, string>; rule: string; from: string; to: string }[] = [
    {
      name: 'a domain file importing a store file',
      files: { 'src/domain/rules.ts': `import { repository } from '../store/repository.js';\nexport const rules = repository;\n`, 'src/store/repository.ts': leaf('repository') },
      rule: 'domain-imports-only-domain',
      from: 'src/domain/rules.ts',
      to: 'src/store/repository.ts',
    },
    {
      name: 'a domain file importing only a type from an adapter (type-only imports count)',
      files: { 'src/domain/rules.ts': `import type { Repository } from '../store/repository.js';\nexport type Rules = Repository;\n`, 'src/store/repository.ts': `export type Repository = { id: string };\n` },
      rule: 'domain-imports-only-domain',
      from: 'src/domain/rules.ts',
      to: 'src/store/repository.ts',
    },
    {
      name: 'a domain file importing src/shared',
      files: { 'src/domain/rules.ts': `import { mutex } from '../shared/mutex.js';\nexport const rules = mutex;\n`, 'src/shared/mutex.ts': leaf('mutex') },
      rule: 'domain-imports-only-domain',
      from: 'src/domain/rules.ts',
      to: 'src/shared/mutex.ts',
    },
    {
      name: 'a domain file doing I/O',
      files: { 'src/domain/rules.ts': `import { readFileSync } from 'node:fs';\nexport const rules = readFileSync;\n` },
      rule: 'domain-has-no-io',
      from: 'src/domain/rules.ts',
      to: 'fs',
    },
    {
      name: 'a use case importing the bot',
      files: { 'src/app/use-case.ts': `import { handler } from '../bot/handler.js';\nexport const useCase = handler;\n`, 'src/bot/handler.ts': leaf('handler') },
      rule: 'app-imports-only-domain-and-shared',
      from: 'src/app/use-case.ts',
      to: 'src/bot/handler.ts',
    },
    {
      name: 'the store importing notify',
      files: { 'src/store/schema.ts': `import { outbox } from '../notify/outbox.js';\nexport const schema = outbox;\n`, 'src/notify/outbox.ts': leaf('outbox') },
      rule: 'adapters-do-not-import-each-other',
      from: 'src/store/schema.ts',
      to: 'src/notify/outbox.ts',
    },
    {
      name: 'the store importing exchange',
      files: { 'src/store/org-file.ts': `import { simulation } from '../exchange/simulation.js';\nexport const orgFile = simulation;\n`, 'src/exchange/simulation.ts': leaf('simulation') },
      rule: 'adapters-do-not-import-each-other',
      from: 'src/store/org-file.ts',
      to: 'src/exchange/simulation.ts',
    },
    {
      name: 'a future Dataverse adapter importing a future PostgreSQL adapter',
      files: { 'src/dataverse/client.ts': `import { pool } from '../postgres/pool.js';\nexport const client = pool;\n`, 'src/postgres/pool.ts': leaf('pool') },
      rule: 'adapters-do-not-import-each-other',
      from: 'src/dataverse/client.ts',
      to: 'src/postgres/pool.ts',
    },
    {
      name: 'the cards importing the bot (the exception runs one way only)',
      files: { 'src/cards/card.ts': `import { handler } from '../bot/handler.js';\nexport const card = handler;\n`, 'src/bot/handler.ts': leaf('handler') },
      rule: 'adapters-do-not-import-each-other',
      from: 'src/cards/card.ts',
      to: 'src/bot/handler.ts',
    },
    {
      name: 'the bot importing the store',
      files: { 'src/bot/services.ts': `import { repository } from '../store/repository.js';\nexport const services = repository;\n`, 'src/store/repository.ts': leaf('repository') },
      rule: 'bot-imports-only-its-views',
      from: 'src/bot/services.ts',
      to: 'src/store/repository.ts',
    },
    {
      name: 'a shared utility importing the domain',
      files: { 'src/shared/util.ts': `import { rules } from '../domain/rules.js';\nexport const util = rules;\n`, 'src/domain/rules.ts': leaf('rules') },
      rule: 'shared-imports-nothing-of-ours',
      from: 'src/shared/util.ts',
      to: 'src/domain/rules.ts',
    },
    {
      name: 'an adapter importing the composition root',
      files: { 'src/bot/handler.ts': `import { main } from '../main.js';\nexport const handler = main;\n`, 'src/main.ts': leaf('main') },
      rule: 'nothing-imports-the-composition-root',
      from: 'src/bot/handler.ts',
      to: 'src/main.ts',
    },
    {
      name: 'a utility left loose at src/ root',
      files: { 'src/bot/handler.ts': `import { helper } from '../helper.js';\nexport const handler = helper;\n`, 'src/helper.ts': leaf('helper') },
      rule: 'no-loose-modules-at-src-root',
      from: 'src/bot/handler.ts',
      to: 'src/helper.ts',
    },
    {
      name: 'a new folder that has not been given a layer',
      files: { 'src/widgets/widget.ts': `import { rules } from '../domain/rules.js';\nexport const widget = rules;\n`, 'src/domain/rules.ts': leaf('rules') },
      rule: 'every-folder-has-a-layer',
      from: 'src/widgets/widget.ts',
      to: 'src/domain/rules.ts',
    },
    {
      name: 'a cycle inside one folder',
      files: {
        'src/notify/a.ts': `import type { B } from './b.js';\nexport type A = { b?: B };\n`,
        'src/notify/b.ts': `import type { A } from './a.js';\nexport type B = { a?: A };\n`,
      },
      rule: 'no-circular',
      from: 'src/notify/a.ts',
      to: 'src/notify/b.ts',
    },
  ];

  it.each(cases)('report $name under $rule', ({ files, rule, from, to }) => {
    const result = cruise(fixtureTree(files));
    const matching = result.violations.filter((violation) => violation.rule.name === rule);
    expect(matching.map((violation) => [violation.from, violation.to])).toContainEqual([from, to]);
    expect(matching.every((violation) => violation.rule.severity === 'error')).toBe(true);
  });
});

describe('dependency rules on src/', () => {
  // Expected to pass once the bot no longer reaches into src/store and src/notify (issue 11).
  it('src/ keeps every rule', () => {
    const result = cruise(root);
    expect(result.modules).toBeGreaterThan(100);
    expect(result.violations.map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`)).toEqual([]);
  });
});
