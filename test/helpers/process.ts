/**
 * Process state checks shared by the runtime helpers.
 */
import { readFileSync } from 'node:fs';

/** Undefined while `pid` runs; otherwise a short reason (gone, or a zombie nobody reaped yet). */
export function pidGone(pid: number): string | undefined {
  try {
    const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state === 'Z' || state === 'X' ? `process ${pid} exited` : undefined;
  } catch {
    return `process ${pid} exited`;
  }
}

/** The effective uid and gid of a running process, from /proc/<pid>/status. */
export function processIds(pid: number): { uid: number; gid: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+\\d+\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { uid: field('Uid'), gid: field('Gid') };
}
