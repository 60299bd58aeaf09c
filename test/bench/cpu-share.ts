/**
 * How much CPU other processes took while the bench ran, from Linux's /proc: the machine's busy time
 * (/proc/stat) minus this process's own and its waited-for children's (/proc/self/stat). The load
 * average cannot tell them apart: the bench's own two-worker runs raise it to 2 on a 2-core machine.
 * Both files count in USER_HZ ticks, 100 per second on Linux whatever the kernel's tick rate.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

export interface CpuMark {
  /** Wall time, seconds (performance.now). */
  wallS: number;
  /** Busy CPU time of every core: user, nice, system, irq and softirq. Steal is reported apart. */
  machineS: number;
  /** Time the hypervisor ran something else while a core wanted to run (the steal column). */
  stealS: number;
  /** This process's CPU time (all its threads) and that of the children it has waited for. */
  ownS: number;
}

/** The counters now; null where /proc cannot be read (not Linux). */
export function cpuMark(): CpuMark | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    if (cpu[0] !== 'cpu') return null;
    const t = cpu.slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = t;
    const self = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: the state is
    // field 3, so utime, stime, cutime and cstime (fields 14-17) are at 11-14 here.
    const f = self
      .slice(self.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const own = f[11] + f[12] + f[13] + f[14];
    const values = [user, nice, system, irq, softirq, steal, own];
    if (values.some((v) => !Number.isFinite(v))) return null;
    return {
      wallS: performance.now() / 1000,
      machineS: (user + nice + system + irq + softirq) / TICKS_PER_SECOND,
      stealS: steal / TICKS_PER_SECOND,
      ownS: own / TICKS_PER_SECOND,
    };
  } catch {
    return null;
  }
}

export interface CpuShare {
  wallSeconds: number;
  /** Core-seconds the bench (this process and its children) used. */
  benchCoreSeconds: number;
  /** Core-seconds every other process used meanwhile (never below 0: the counters tick apart). */
  otherCoreSeconds: number;
  /** Core-seconds the hypervisor gave to others while this machine's cores wanted to run. */
  stealCoreSeconds: number;
}

export function cpuShare(start: CpuMark, end: CpuMark): CpuShare {
  const bench = end.ownS - start.ownS;
  return {
    wallSeconds: end.wallS - start.wallS,
    benchCoreSeconds: bench,
    otherCoreSeconds: Math.max(0, end.machineS - start.machineS - bench),
    stealCoreSeconds: end.stealS - start.stealS,
  };
}

/**
 * Another process took enough to skew the rows (each row runs alone, so what others take comes off
 * it): above 5% of one core on average, or the hypervisor's steal above the same.
 */
export function competed(s: CpuShare): boolean {
  const limit = 0.05 * s.wallSeconds;
  return s.otherCoreSeconds > limit || s.stealCoreSeconds > limit;
}
