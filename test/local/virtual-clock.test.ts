/**
 * The discrete-event clock of the local runtime: activities run until they sleep or end, then the
 * clock jumps to the earliest wake-up; ties wake in a fixed order; Date follows it and Math.random is seeded.
 */
import { getEventListeners } from 'node:events';
import { VirtualClock, installVirtualTime, seededRandom } from '../../local/core/virtual-clock';

const START = Date.parse('2026-01-05T00:00:00.000Z');

/**
 * Starts an activity that sleeps until each of `wakes` in turn, logging `name@seconds` when it
 * wakes. Like an execution, it registers at once and first sleeps after a tick, so that every
 * activity started in the same synchronous stretch has begun before the clock may move.
 */
function activity(clock: VirtualClock, log: string[], name: string, order: number, wakes: number[]): Promise<void> {
  clock.begin();
  return (async () => {
    await Promise.resolve();
    for (const seconds of wakes) {
      const woke = await clock.sleepUntil(START + seconds * 1000, order);
      expect(woke).toBe(clock.nowMs());
      log.push(`${name}@${clock.elapsedSeconds()}`);
    }
    clock.end();
  })();
}

describe('VirtualClock sleeps with an abort signal (StopExecution)', () => {
  it('wakes an aborted sleeper at once, without moving the clock, and the others on time', async () => {
    const clock = new VirtualClock(START);
    const stop = new AbortController();
    // Two sleepers, and a third activity holding the clock until both are asleep.
    clock.begin();
    clock.begin();
    clock.begin();
    const stopped = clock.sleepUntil(START + 3_600_000, 1, stop.signal);
    const other = clock.sleepUntil(START + 60_000, 2);
    stop.abort();
    await expect(stopped).resolves.toBe(START);
    clock.end();
    clock.end();
    await expect(other).resolves.toBe(START + 60_000);
    clock.end();
    await clock.whenIdle();
    expect(clock.nowMs()).toBe(START + 60_000);
  });

  it('leaves no listener on the signal after sleeps that woke on time', async () => {
    const clock = new VirtualClock(START);
    const signal = new AbortController().signal;
    clock.begin();
    for (let i = 1; i <= 20; i++) await clock.sleepUntil(START + i * 1000, 1, signal);
    clock.end();
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('paced, elapsedSeconds follows the flowing time even while nothing sleeps or wakes', async () => {
    const clock = new VirtualClock(START);
    clock.pace(10_000);
    const pacedAt = performance.now();
    await new Promise((r) => setTimeout(r, 20));
    // The real time measured since pacing, at ×10,000, with no commit in between (measured, not
    // the 20 ms asked for: a timer may fire a fraction of a millisecond early).
    const realMs = performance.now() - pacedAt;
    expect(realMs).toBeGreaterThan(15);
    expect(clock.elapsedSeconds() * 1000).toBeGreaterThanOrEqual(Math.floor(realMs * 10_000));
    const nowMs = clock.nowMs();
    expect(clock.elapsedSeconds()).toBeGreaterThanOrEqual((nowMs - START) / 1000);
    clock.stop();
  });

  it('does not sleep at all on a signal already aborted', async () => {
    const clock = new VirtualClock(START);
    const stop = new AbortController();
    stop.abort();
    clock.begin();
    await expect(clock.sleepUntil(START + 1000, 1, stop.signal)).resolves.toBe(START);
    clock.end();
  });
});

describe('VirtualClock', () => {
  it('starts at its start time', () => {
    const clock = new VirtualClock(START);
    expect(clock.nowMs()).toBe(START);
    expect(clock.startMs).toBe(START);
    expect(clock.elapsedSeconds()).toBe(0);
  });

  it('wakes sleepers in time order, ties by order and then by when they went to sleep', async () => {
    const clock = new VirtualClock(START);
    const log: string[] = [];
    const done = Promise.all([
      activity(clock, log, 'late-order2', 2, [50]),
      activity(clock, log, 'early', 5, [30]),
      activity(clock, log, 'late-order0-first', 0, [50]),
      activity(clock, log, 'late-order0-second', 0, [50]),
      activity(clock, log, 'earliest', 9, [10]),
    ]);
    await clock.whenIdle();
    await done;
    expect(log).toEqual(['earliest@10', 'early@30', 'late-order0-first@50', 'late-order0-second@50', 'late-order2@50']);
    expect(clock.elapsedSeconds()).toBe(50);
  });

  it('interleaves activities that sleep repeatedly and never goes backwards', async () => {
    const clock = new VirtualClock(START);
    const log: string[] = [];
    const seen: number[] = [];
    const done = Promise.all([activity(clock, log, 'a', 0, [10, 40, 70]), activity(clock, log, 'b', 1, [20, 40, 60])]);
    // A wake-up already in the past wakes at the current time.
    clock.begin();
    const past = (async () => {
      await Promise.resolve();
      await clock.sleepUntil(START + 30_000, 2);
      seen.push(clock.elapsedSeconds());
      await clock.sleepUntil(START, 2);
      seen.push(clock.elapsedSeconds());
      clock.end();
    })();
    await clock.whenIdle();
    await Promise.all([done, past]);
    expect(log).toEqual(['a@10', 'b@20', 'a@40', 'b@40', 'b@60', 'a@70']);
    expect(seen).toEqual([30, 30]);
  });

  it('is idle at once when nothing runs', async () => {
    const clock = new VirtualClock(START);
    await expect(clock.whenIdle()).resolves.toBeUndefined();
  });

  it('is not idle while an activity runs or sleeps, and idle once every activity has ended', async () => {
    const clock = new VirtualClock(START);
    let idle = false;
    clock.begin();
    const idleNow = clock.whenIdle().then(() => {
      idle = true;
    });
    await Promise.resolve();
    expect(idle).toBe(false);
    // The only activity sleeps: the clock jumps to its wake-up rather than becoming idle.
    const woke = clock.sleepUntil(START + 3_600_000, 0);
    await expect(woke).resolves.toBe(START + 3_600_000);
    await Promise.resolve();
    expect(idle).toBe(false);
    clock.end();
    await idleNow;
    expect(idle).toBe(true);
    expect(clock.elapsedSeconds()).toBe(3600);
  });
});

describe('VirtualClock, paced (--serve)', () => {
  const realSleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('does not move while an activity works, however long the work takes in real time', async () => {
    const clock = new VirtualClock(START);
    clock.pace(1_000_000);
    clock.begin();
    const begunMs = clock.nowMs();
    // 50 real ms of work (a handler's cold start) would be 14 simulated hours at this speed.
    await realSleep(50);
    expect(clock.nowMs()).toBe(begunMs);
    const woke = await clock.sleepUntil(begunMs + 30_000, 0);
    expect(woke).toBe(begunMs + 30_000);
    clock.end();
    clock.stop();
  });

  it('flows at speed × real time while every activity sleeps, never past the next wake-up', async () => {
    const clock = new VirtualClock(START);
    clock.pace(1000);
    clock.begin();
    const woke = clock.sleepUntil(START + 3_600_000, 0);
    const beforeMs = performance.now();
    await realSleep(40);
    const flowedMs = clock.nowMs() - START;
    const realMs = performance.now() - beforeMs;
    // At least the 40 real ms slept (×1000), at most what really passed (×1000).
    expect(flowedMs).toBeGreaterThanOrEqual(40_000 - 1000);
    expect(flowedMs).toBeLessThanOrEqual(realMs * 1000 + 1000);
    clock.stop();
    void woke;
  });
});

describe('installVirtualTime', () => {
  it('makes new Date() and Date.now() read the simulated time, keeps Date(...) with arguments, and restores', async () => {
    const RealDate = Date;
    const realRandom = Math.random;
    const clock = new VirtualClock(START);
    const restore = installVirtualTime(clock, 'seed');
    try {
      expect(Date).not.toBe(RealDate);
      expect(Date.now()).toBe(START);
      expect(new Date().toISOString()).toBe('2026-01-05T00:00:00.000Z');
      expect(new Date() instanceof RealDate).toBe(true);
      // With arguments, Date is the ordinary Date.
      expect(new Date(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
      expect(new Date('2030-06-01T12:00:00Z').getTime()).toBe(RealDate.parse('2030-06-01T12:00:00Z'));
      expect(Date.parse('2026-01-05T00:00:10Z')).toBe(START + 10_000);
      // Time moves only when the clock does.
      clock.begin();
      await clock.sleepUntil(START + 90_000, 0);
      expect(Date.now()).toBe(START + 90_000);
      expect(new Date().toISOString()).toBe('2026-01-05T00:01:30.000Z');
      clock.end();
      expect(Math.random).not.toBe(realRandom);
    } finally {
      restore();
    }
    expect(Date).toBe(RealDate);
    expect(Math.random).toBe(realRandom);
    expect(Math.abs(Date.now() - new RealDate().getTime())).toBeLessThan(1000);
  });

  it('makes Math.random the stream of the seed, the same for the same seed', () => {
    const clock = new VirtualClock(START);
    const draw = (seed: string) => {
      const restore = installVirtualTime(clock, seed);
      try {
        return Array.from({ length: 5 }, () => Math.random());
      } finally {
        restore();
      }
    };
    expect(draw('seed')).toEqual(Array.from({ length: 5 }, seededRandom('seed')));
    expect(draw('seed')).toEqual(draw('seed'));
    expect(draw('seed')).not.toEqual(draw('other seed'));
  });
});

describe('seededRandom', () => {
  it('is deterministic per seed, differs between seeds and stays in [0, 1)', () => {
    const take = (seed: string) => Array.from({ length: 1000 }, seededRandom(seed));
    const a = take('batch-prediction-poller/bp-a');
    expect(take('batch-prediction-poller/bp-a')).toEqual(a);
    expect(take('batch-prediction-poller/bp-b')).not.toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    // Not degenerate: values spread over the interval.
    expect(new Set(a).size).toBeGreaterThan(990);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});
