/**
 * Process checks for the recording tests, read from /proc (Linux): which live processes are in
 * a process group, and which mention a path in their command line — to prove that no ffmpeg is
 * left behind. Zombies (exited, not yet reaped; a container's PID 1 may never reap them) are
 * not counted as live.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface Proc {
  pid: number;
  state: string;
  pgrp: number;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …; comm may contain spaces, so parse after the last ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(name), state: f[0]!, pgrp: Number(f[2]) });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** Live processes whose process group is `pgid`. */
export function liveInGroup(pgid: number): number[] {
  return processes().filter((p) => p.pgrp === pgid && p.state !== 'Z').map((p) => p.pid);
}

/** Live processes whose command line contains `text` (e.g. a test's unique output folder). */
export function liveMentioning(text: string): string[] {
  const out: string[] = [];
  for (const p of processes()) {
    if (p.state === 'Z' || p.pid === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(text)) out.push(`${p.pid}: ${cmd}`);
    } catch {
      // ended meanwhile
    }
  }
  return out;
}
