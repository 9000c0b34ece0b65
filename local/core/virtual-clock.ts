import { createHash } from 'node:crypto';

/**
 * Simulated time for the local runtime: a discrete-event clock shared by every execution.
 *
 * Executions run at full speed until each one is either finished or asleep in a Wait state; only
 * then does the clock jump to the earliest wake-up. So a 7-day job takes as long as its polls, and
 * everything that reads the time (`Date`, the interpreter's `$$.Execution.StartTime`, the handler's
 * `observedAt`, the stand-ins' answers) sees the same simulated instant.
 */
export class VirtualClock {
  private now: number;
  private running = 0;
  private readonly sleepers: Sleeper[] = [];
  private sequence = 0;
  private idleWaiters: (() => void)[] = [];
  /** Set in paced mode: simulated milliseconds per real millisecond. */
  private speed?: number;
  /** Paced mode: the real time (performance.now) at which `now` was last committed. */
  private realAt = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(readonly startMs: number) {
    this.now = startMs;
  }

  /**
   * Paced mode (`npm start -- --serve --speed N`): simulated time runs `speed` times faster than
   * real time instead of jumping, so that people and the CLI can act on a live system.
   *
   * Time flows only while every activity is asleep: work (a poll, a handler's cold start, the
   * interpreter) takes no simulated time, as in the discrete mode. Were it to flow during work, a
   * handler's first load (hundreds of real milliseconds) would put the "at once" first poll
   * minutes late at high speeds (0.3 s real is 5 simulated minutes at ×1000). Under load the
   * clock therefore runs slower than `speed` rather than let polls drift from their schedule.
   */
  pace(speed: number): void {
    this.speed = speed;
    this.realAt = performance.now();
  }

  /**
   * Stops the clock for good: nobody asleep wakes again (the `--serve` mode's sweeper included),
   * and no timer keeps the process alive.
   */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The simulated time in epoch milliseconds. */
  nowMs(): number {
    if (this.speed === undefined || this.running > 0) return this.now;
    // While all sleep, time flows with the real clock, never past the next wake-up.
    return Math.floor(Math.min(this.earliestWake(), this.now + (performance.now() - this.realAt) * this.speed));
  }

  /** Seconds of simulated time since the clock started. */
  elapsedSeconds(): number {
    // nowMs, not the last committed instant: in paced mode time flows between commits, and what
    // the stand-ins answer (Amazon ML's timelines) must follow it even while nothing wakes.
    return (this.nowMs() - this.startMs) / 1000;
  }

  /** Registers an activity (an execution) that runs until it sleeps or ends. */
  begin(): void {
    this.commitIfPaced();
    this.running++;
  }

  /** An activity ended. */
  end(): void {
    this.commitIfPaced();
    this.running--;
    this.advanceIfIdle();
  }

  /**
   * Suspends the calling activity until the clock reaches `wakeMs`, or until `signal` aborts.
   * Resolves with the time it woke at.
   */
  sleepUntil(wakeMs: number, order: number, signal?: AbortSignal): Promise<number> {
    return new Promise((resolve) => {
      if (signal?.aborted) {
        resolve(this.nowMs());
        return;
      }
      this.commitIfPaced();
      // Aborted (StopExecution): it wakes now and runs again, so that its activity can end.
      const onAbort = () => {
        const at = this.sleepers.indexOf(sleeper);
        if (at === -1) return;
        this.sleepers.splice(at, 1);
        this.commitIfPaced();
        this.running++;
        // The paced wake-up may have been this sleeper's; it is set again when the clock idles.
        clearTimeout(this.timer);
        this.timer = undefined;
        resolve(this.nowMs());
      };
      const sleeper: Sleeper = {
        wakeMs: Math.max(wakeMs, this.now),
        order,
        seq: this.sequence++,
        resolve: (at) => {
          // Woken on time: one listener per sleep would pile up on a long run's signal.
          signal?.removeEventListener('abort', onAbort);
          resolve(at);
        },
      };
      this.sleepers.push(sleeper);
      this.running--;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.advanceIfIdle();
    });
  }

  /** Resolves when nothing runs and nobody sleeps: the simulation is over. */
  whenIdle(): Promise<void> {
    if (this.running === 0 && this.sleepers.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private advanceIfIdle(): void {
    if (this.running > 0 || this.stopped) return;
    if (this.sleepers.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    const earliest = this.earliestWake();
    if (this.speed !== undefined) {
      // Paced: wake them when real time has caught up (unless something starts running first).
      clearTimeout(this.timer);
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          if (this.running === 0 && this.sleepers.length > 0) this.wake(this.earliestWake());
        },
        Math.max(0, (earliest - this.nowMs()) / this.speed),
      );
      return;
    }
    this.wake(earliest);
  }

  private earliestWake(): number {
    let earliest = Infinity;
    for (const s of this.sleepers) earliest = Math.min(earliest, s.wakeMs);
    return earliest;
  }

  /** Paced: fixes the time flowed so far, before the number of running activities changes. */
  private commitIfPaced(): void {
    if (this.speed !== undefined) this.commit(this.nowMs());
  }

  private commit(nowMs: number): void {
    this.now = nowMs;
    this.realAt = performance.now();
  }

  /** Wakes everyone due at `earliest`, in a fixed order so that runs are deterministic. */
  private wake(earliest: number): void {
    const due = this.sleepers.filter((s) => s.wakeMs === earliest).sort((a, b) => a.order - b.order || a.seq - b.seq);
    for (const s of due) this.sleepers.splice(this.sleepers.indexOf(s), 1);
    this.commit(earliest);
    this.running += due.length;
    for (const s of due) s.resolve(earliest);
  }
}

interface Sleeper {
  wakeMs: number;
  order: number;
  seq: number;
  resolve: (at: number) => void;
}

/**
 * A deterministic PRNG (sfc32 seeded from SHA-256): the local runtime's `Math.random`, and each
 * execution's own stream for its retry backoff jitter.
 */
export function seededRandom(seed: string): () => number {
  const h = createHash('sha256').update(seed).digest();
  let a = h.readUInt32LE(0),
    b = h.readUInt32LE(4),
    c = h.readUInt32LE(8),
    d = h.readUInt32LE(12);
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/**
 * Makes `Date` read simulated time and `Math.random` a seeded stream while the runtime runs;
 * returns the function that restores them. Everything in the process sees it, which is the point:
 * the real handler and the real interpreter run unchanged. (The poll's own jitter is a hash of the
 * run and poll number, so no interleaving of concurrent executions changes any wait.)
 */
export function installVirtualTime(clock: VirtualClock, seed: string): () => void {
  const RealDate = Date;
  const realRandom = Math.random;
  class SimulatedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.nowMs());
      else super(...(args as [string | number | Date]));
    }
    static now(): number {
      return clock.nowMs();
    }
  }
  globalThis.Date = SimulatedDate as DateConstructor;
  Math.random = seededRandom(seed);
  return () => {
    globalThis.Date = RealDate;
    Math.random = realRandom;
  };
}
