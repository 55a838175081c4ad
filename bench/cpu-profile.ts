// CPU profiles of a bench child, taken with the inspector over a load window only (not start-up), and
// summarized to where the time went: functions by self time, and the project's own functions (src/) by
// inclusive time (a function's time including what it calls).
import { Session } from 'node:inspector/promises';
import { z } from 'zod';

const cpuProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export const profileSummarySchema = z.object({
  sampledMs: z.number(),
  /** Self time by where the code lives: a src/ folder, an npm package, Node itself, the GC, idle. */
  selfByArea: z.array(z.object({ name: z.string(), percent: z.number() })),
  /** Self time spent in npm packages, by the nearest project function up the stack that led there. */
  packagesByCaller: z.array(z.object({ name: z.string(), percent: z.number() })),
  selfTime: z.array(z.object({ name: z.string(), percent: z.number() })),
  projectInclusive: z.array(z.object({ name: z.string(), percent: z.number() })),
});
export type ProfileSummary = z.infer<typeof profileSummarySchema>;

// Where src/ and bench/ are: .bench-build/ for the compiled children, so line numbers are those of the .js there.
const projectRoot = new URL('../', import.meta.url).href;

/** `src/cards`, `botbuilder`, `@azure/core-client`, `node`, `(garbage collector)`… for a call frame. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node';
  const relative = url.replace(projectRoot, '');
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(relative);
  if (packageMatch?.[1] !== undefined) return packageMatch[1];
  const sourceMatch = /^(src\/[^/]+)\//.exec(relative);
  if (sourceMatch?.[1] !== undefined) return sourceMatch[1];
  return relative.split('/')[0] ?? relative;
}

export function summarizeProfile(raw: unknown, top = 15): ProfileSummary {
  const profile = cpuProfileSchema.parse(raw);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const timePerNode = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => timePerNode.set(nodeId, (timePerNode.get(nodeId) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const nameOf = (id: number, withLine: boolean): string => {
    const frame = nodes.get(id)?.callFrame;
    if (frame === undefined) return '?';
    const where = frame.url.replace(projectRoot, '').replace('file://', '');
    return `${frame.functionName || '(anonymous)'}${where === '' ? '' : ` ${where}${withLine ? `:${frame.lineNumber + 1}` : ''}`}`;
  };
  let total = 0;
  const self = new Map<string, number>();
  const byArea = new Map<string, number>();
  const byCaller = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [nodeId, time] of timePerNode) {
    total += time;
    const name = nameOf(nodeId, true);
    self.set(name, (self.get(name) ?? 0) + time);
    const frame = nodes.get(nodeId)?.callFrame;
    const area = frame === undefined ? '?' : areaOf(frame.url, frame.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + time);
    if (frame !== undefined && frame.url.includes('/node_modules/')) {
      let caller = '(no project code on the stack)';
      for (let at = parents.get(nodeId); at !== undefined; at = parents.get(at)) {
        const up = nodes.get(at)?.callFrame;
        if (up !== undefined && up.url.startsWith(`${projectRoot}src/`)) {
          caller = nameOf(at, false);
          break;
        }
      }
      const key = `${area} <- ${caller}`;
      byCaller.set(key, (byCaller.get(key) ?? 0) + time);
    }
    const counted = new Set<string>();
    for (let at: number | undefined = nodeId; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)?.callFrame;
      if (frame === undefined || !frame.url.startsWith(`${projectRoot}src/`)) continue;
      const function_ = nameOf(at, false);
      if (counted.has(function_)) continue;
      counted.add(function_);
      inclusive.set(function_, (inclusive.get(function_) ?? 0) + time);
    }
  }
  const ranked = (times: Map<string, number>) =>
    [...times.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, percent: total === 0 ? 0 : (time / total) * 100 }));
  return { sampledMs: total / 1000, selfByArea: ranked(byArea), packagesByCaller: ranked(byCaller), selfTime: ranked(self), projectInclusive: ranked(inclusive) };
}

/** Starts sampling this process; the returned function stops and summarizes. */
export async function startProfiling(): Promise<() => Promise<ProfileSummary>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return summarizeProfile(profile);
  };
}

/** A start and a stop request for a sampler that runs between them (see `serveParent`); `what` names it in errors. */
function startStopHandlers<T>(what: string, start: (argument: unknown) => Promise<() => Promise<T>>): { start: (argument: unknown) => Promise<null>; stop: () => Promise<T> } {
  let stop: (() => Promise<T>) | undefined;
  return {
    start: async (argument) => {
      stop = await start(argument);
      return null;
    },
    stop: () => {
      if (stop === undefined) throw new Error(`${what} was not started`);
      const stopping = stop;
      stop = undefined;
      return stopping();
    },
  };
}

/** The `startProfiling` / `stopProfiling` requests a measured child answers (see `serveParent`). */
export function profilingHandlers(): { startProfiling: (argument: unknown) => Promise<null>; stopProfiling: () => Promise<ProfileSummary> } {
  const { start, stop } = startStopHandlers('profiling', () => startProfiling());
  return { startProfiling: start, stopProfiling: stop };
}

const samplingHeapProfileSchema = z.object({
  head: z.lazy(() => allocationNodeSchema),
});
interface AllocationNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly AllocationNode[];
}
const allocationNodeSchema: z.ZodType<AllocationNode> = z.object({
  callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
  selfSize: z.number(),
  children: z.array(z.lazy(() => allocationNodeSchema)),
});

export const allocationSummarySchema = z.object({
  /** Bytes allocated while sampling (estimated from the samples), collected or not. */
  allocatedBytes: z.number(),
  /** Bytes by where the allocating code lives (src/ folder, package, node). */
  byArea: z.array(z.object({ name: z.string(), bytes: z.number() })),
  /** Bytes by allocating function. */
  bySite: z.array(z.object({ name: z.string(), bytes: z.number() })),
  /** Bytes by the nearest project function (src/) up the stack: what our code made others allocate too. */
  byProjectCaller: z.array(z.object({ name: z.string(), bytes: z.number() })),
});
export type AllocationSummary = z.infer<typeof allocationSummarySchema>;

export function summarizeAllocations(raw: unknown, top = 20): AllocationSummary {
  const { head } = samplingHeapProfileSchema.parse(raw);
  const byArea = new Map<string, number>();
  const bySite = new Map<string, number>();
  const byCaller = new Map<string, number>();
  let total = 0;
  const add = (map: Map<string, number>, key: string, bytes: number): void => {
    map.set(key, (map.get(key) ?? 0) + bytes);
  };
  const visit = (node: AllocationNode, projectCaller: string): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(projectRoot, '').replace('file://', '');
    const name = `${functionName || '(anonymous)'}${where === '' ? '' : ` ${where}:${lineNumber + 1}`}`;
    const caller = url.startsWith(`${projectRoot}src/`) ? name : projectCaller;
    if (node.selfSize > 0) {
      total += node.selfSize;
      add(byArea, areaOf(url, functionName), node.selfSize);
      add(bySite, name, node.selfSize);
      add(byCaller, caller, node.selfSize);
    }
    for (const child of node.children) visit(child, caller);
  };
  visit(head, '(no project code on the stack)');
  const ranked = (bytes: Map<string, number>) =>
    [...bytes.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({ name, bytes: count }));
  return { allocatedBytes: total, byArea: ranked(byArea), bySite: ranked(bySite), byProjectCaller: ranked(byCaller) };
}

/**
 * Samples this process's allocations, including objects the collector has freed since (so it shows what a
 * burst allocates, not only what it keeps); the returned function stops and summarizes.
 */
export async function startAllocationSampling(survivorsOnly = false): Promise<() => Promise<AllocationSummary>> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  // With survivorsOnly, what a young-generation collection frees is left out: what is left was promoted to the old
  // generation (where only a full collection frees it) or is still alive.
  await session.post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !survivorsOnly });
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    session.disconnect();
    return summarizeAllocations(profile);
  };
}

/** The `startAllocationSampling` / `stopAllocationSampling` requests a measured child answers. */
export function allocationSamplingHandlers(): { startAllocationSampling: (argument: unknown) => Promise<null>; stopAllocationSampling: () => Promise<AllocationSummary> } {
  const { start, stop } = startStopHandlers('allocation sampling', (argument) =>
    startAllocationSampling(z.object({ survivorsOnly: z.boolean().default(false) }).prefault({}).parse(argument).survivorsOnly),
  );
  return { startAllocationSampling: start, stopAllocationSampling: stop };
}
