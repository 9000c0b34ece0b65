/**
 * Poll throughput: concurrent jobs through the full local stack (interpreter, real handlers and SDK
 * clients, HTTP stand-ins, dynalite), sharded over worker processes that start together.
 */
import type { LocalDeployment } from '../../local/template/deployment';
import { jobTimeline, throughputJobs } from './scenarios';
import type { SimulationSummary } from './simulation';
import { startWorker } from './workers';

/** Runs `jobCount` jobs over `workerCount` workers, released together once all have booted. */
export async function runThroughput(deployment: LocalDeployment, jobCount: number, workerCount: number): Promise<SimulationSummary[]> {
  const jobs = throughputJobs(jobCount);
  const workers = Array.from({ length: workerCount }, (_, w) =>
    startWorker({
      kind: 'simulate',
      deployment,
      scenario: {
        batchPredictions: jobs.filter((_, i) => i % workerCount === w).map((j) => ({ id: j.id, timeline: jobTimeline(j.seconds) })),
      },
      barrier: true,
      timeHandlers: false,
      detailed: false,
    }),
  );
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.child.send({ kind: 'go' });
  return await Promise.all(workers.map((w) => w.done));
}

/** The throughput run's figures. */
export interface ThroughputFigures {
  readonly polls: number;
  /** From the first worker's start to the last one's end. */
  readonly wallSeconds: number;
  readonly pollsPerSecond: number;
  /** Every execution of every shard succeeded. */
  readonly allSucceeded: boolean;
}

/** Polls per second over all shards: polls / (last end − first start). */
export function throughputFigures(shards: readonly SimulationSummary[]): ThroughputFigures {
  const polls = shards.reduce((a, s) => a + s.totals.polls, 0);
  const wallSeconds = (Math.max(...shards.map((s) => s.wall.endMs)) - Math.min(...shards.map((s) => s.wall.startMs))) / 1000;
  return {
    polls,
    wallSeconds,
    pollsPerSecond: polls / wallSeconds,
    allSucceeded: shards.every((s) => s.totals.succeeded === s.totals.executions - s.totals.failed && s.totals.failed === 0),
  };
}
