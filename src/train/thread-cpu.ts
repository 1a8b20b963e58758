/**
 * CPU time per thread, for the accounting of parallel runs: which share of the CPU went to the
 * threads that trained, to the main thread, and to the rest (V8's helper threads: background
 * compilation and parallel or concurrent garbage collection; libuv's pool), in this process and in
 * worker processes.
 *
 * Linux only: it reads `/proc/thread-self/stat` and `/proc/<pid>/task/<tid>/stat` (user + system
 * time in clock ticks of 1/100 s, Linux's fixed `USER_HZ`), so every figure has a resolution of
 * 10 ms. Elsewhere every function returns `undefined`. Node 20 has no per-thread CPU clock of its
 * own (`process.cpuUsage()` covers the whole process).
 *
 * @module
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Linux's `USER_HZ`: the unit of the times in `/proc/<pid>/stat`. */
const TICKS_PER_SECOND = 100;

/** User + system seconds from the text of a `/proc/…/stat` file. */
function parseStat(text: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: fields after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * CPU seconds (user + system) that a thread has used since it started.
 * @param tid the kernel thread id (see {@link kernelThreadId}); the calling thread when omitted
 * @param pid the process it belongs to @default this process
 * @returns the seconds, or `undefined` without Linux's `/proc` or when the thread has exited
 */
export function threadCpuSeconds(tid?: number, pid?: number): number | undefined {
  try {
    return parseStat(readFileSync(tid === undefined ? '/proc/thread-self/stat' : `/proc/${pid ?? 'self'}/task/${tid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The calling thread's kernel thread id (Linux; the main thread's is the process id), or `undefined`. */
export function kernelThreadId(): number | undefined {
  try {
    const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isSafeInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of every live thread of a process, by kernel thread id, or `undefined` without
 * `/proc` (or when the process has exited).
 * @param pid the process @default this process
 */
export function threadsCpuSeconds(pid?: number): Map<number, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid ?? 'self'}/task`);
  } catch {
    return undefined;
  }
  const out = new Map<number, number>();
  for (const t of tids) {
    const s = threadCpuSeconds(Number(t), pid);
    if (s !== undefined) out.set(Number(t), s); // a thread may exit between the listing and the read
  }
  return out;
}
