// The bench's children run what ships: JavaScript compiled by tsc, under plain `node` with no loader, as
// `npm start` runs dist/. (tsx would add a loader thread with its own heap and transpile every module on
// load: 30-40 MB of RSS and seconds of start-up that the product does not have.) bench/run.ts itself may
// run under tsx; it compiles src/ and bench/ with tsconfig.bench.json into .bench-build/ before any child starts.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The folder holding package.json above this module (from bench/ under tsx and from .bench-build/bench/ alike). */
function projectRootAbove(folder: string): string {
  for (let at = folder; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at) throw new Error(`No package.json found in ${folder} or any folder above it`);
  }
}

export const PROJECT_ROOT = projectRootAbove(import.meta.dirname);
export const BENCH_TSCONFIG = 'tsconfig.bench.json';
/** tsc's output for the children (git-ignored). It has no package.json, so Node reads ours: ESM, same dependencies. */
export const BENCH_BUILD_DIRECTORY = join(PROJECT_ROOT, '.bench-build');

/** The child scripts, by file name without extension; each is forked from its compiled .js. */
export type BenchChildScript = 'bot-process' | 'echo-bot' | 'loopback-connector' | 'store-process' | 'fanout-process' | 'fanout-instance';

export const compiledScriptPath = (script: BenchChildScript): string => join(BENCH_BUILD_DIRECTORY, 'bench', `${script}.js`);

/**
 * Compiles src/ and bench/ with tsconfig.bench.json (incremental, so a second run only re-emits what
 * changed). Code that does not type-check is not benchmarked: the compiler's own output is the error.
 */
export async function compileBench(): Promise<{ readonly elapsedMs: number }> {
  const started = performance.now();
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const compiler = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', BENCH_TSCONFIG], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    compiler.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    compiler.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    compiler.once('error', reject);
    compiler.once('close', resolve);
  });
  if (code !== 0) throw new Error(`tsc -p ${BENCH_TSCONFIG} failed (exit ${code ?? 'by signal'}); nothing was benchmarked:\n${output.join('').trimEnd()}`);
  // The PostgreSQL migrations are read at run time from beside the compiled code (src/postgres/migrations.ts), as from dist/.
  await cp(join(PROJECT_ROOT, 'migrations'), join(BENCH_BUILD_DIRECTORY, 'migrations'), { recursive: true, force: true });
  return { elapsedMs: performance.now() - started };
}
