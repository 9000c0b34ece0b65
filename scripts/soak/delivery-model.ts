import fc from 'fast-check';
import { isBatchPredictionStatus, isTerminalStatus } from '../../lib/contract/events';
import type { LocalDeployment } from '../../local/template/deployment';
import type { FaultSpec } from '../../local/scenarios/faults';
import type { InvocationRecord } from '../../local/stand-ins/lambda/lambda-stand-in';
import type { LocalRuntime, RunResult } from '../../local/runtime/runtime';
import { historyOf, runLocally, statusChanges } from './local-run';

/**
 * The model behind the property test and the soak script: random status timelines × random fault
 * schedules, run through the local runtime, and an oracle that compares what subscribers received
 * with what the poller could have observed.
 */

/** A fault of a job, before it is scoped to the job's id. */
export type JobFault = Omit<FaultSpec, 'id'>;

/** One simulated batch prediction: its timeline and the faults aimed at it. */
export interface JobSpec {
  readonly timeline: readonly { readonly at: number; readonly status: string }[];
  readonly faults: readonly JobFault[];
}

/**
 * Fault failures one job may suffer in total. The poll task retries transient errors 6 times per
 * poll (and Lambda service errors 6 times, separately), so at most 6 failed calls can never
 * exhaust a retrier: every run must end SUCCEEDED.
 */
export const MAX_FAULT_TIMES_PER_JOB = 6;

const NON_TERMINAL = ['PENDING', 'INPROGRESS'] as const;
const TERMINAL = ['COMPLETED', 'FAILED', 'DELETED'] as const;

/** Seconds between timeline points: 1 s to 2 h, with short gaps (shorter than a poll interval) as likely as long ones. */
const gap = fc.oneof(fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 7200 }));

/** 1–4 statuses, the last one terminal; repeats and going back to PENDING are allowed (nothing to publish for a repeat). */
export const timelineArbitrary = fc
  .tuple(
    fc.array(fc.constantFrom(...NON_TERMINAL), { maxLength: 3 }),
    fc.constantFrom(...TERMINAL),
    fc.array(gap, { minLength: 3, maxLength: 3 }),
  )
  .map(([prefix, terminal, gaps]) => {
    const statuses = [...prefix, terminal];
    let at = 0;
    return statuses.map((status, i) => {
      if (i > 0) at += gaps[i - 1];
      return { at, status };
    });
  });

const skip = fc.integer({ min: 0, max: 3 });
const times = fc.integer({ min: 1, max: 2 });

/** One fault: a transient error before or after the call took effect, or failed PutEvents entries. */
export const faultArbitrary: fc.Arbitrary<JobFault> = fc.oneof(
  fc.record({ operation: fc.constant('GetBatchPrediction'), error: fc.constant('InternalServerException'), skip, times }),
  fc.record({ operation: fc.constant('PutEvents'), failedEntries: fc.constant(1), skip, times }),
  fc.record({ operation: fc.constant('PutEvents'), error: fc.constant('InternalFailure'), after: fc.boolean(), skip, times }),
  fc.record({
    operation: fc.constantFrom('PutItem', 'UpdateItem'),
    error: fc.constant('InternalServerError'),
    after: fc.boolean(),
    skip,
    times,
  }),
  fc.record({
    operation: fc.constant('Invoke'),
    error: fc.constant('Lambda.TooManyRequestsException'),
    state: fc.constant('Poll'),
    skip,
    times,
  }),
);

/** A job: a timeline and 0–3 faults of at most {@link MAX_FAULT_TIMES_PER_JOB} failures in all. */
export const jobArbitrary: fc.Arbitrary<JobSpec> = fc.record({
  timeline: timelineArbitrary,
  faults: fc.array(faultArbitrary, { maxLength: 3 }).filter((faults) => faults.reduce((a, f) => a + f.times, 0) <= MAX_FAULT_TIMES_PER_JOB),
});

/** The scenario (raw JSON form) for a batch of jobs; job `i` gets id `${prefix}-${i}` and its faults are scoped to it. */
export function scenarioFor(jobs: readonly JobSpec[], prefix: string): { batchPredictions: unknown[]; faults: unknown[] } {
  return {
    batchPredictions: jobs.map((job, i) => ({ id: `${prefix}-${i}`, timeline: job.timeline })),
    faults: jobs.flatMap((job, i) => job.faults.map((fault) => ({ ...fault, id: `${prefix}-${i}` }))),
  };
}

/** Figures over checked jobs. */
export interface DeliveryFigures {
  jobs: number;
  faultsInjected: number;
  /** Transitions the poller observed (delivered distinct events, corrected by `lost` and `unexpected`). */
  transitions: number;
  /** Status-change events delivered, duplicates included. */
  eventsDelivered: number;
  /** Deliveries of an eventId already delivered. */
  duplicates: number;
  /** Statuses a successful poll saw that subscribers were never told of (one per stretch of such polls). */
  lost: number;
  /** Distinct events whose status Amazon ML did not answer at their `observedAt`. */
  unexpected: number;
  /** Jobs whose events are not the observed sequence (a late, misplaced or repeated transition, a broken chain). */
  sequenceErrors: number;
  /** History items that do not match the distinct events one to one, or are not flagged published. */
  historyMismatches: number;
  /** Executions that did not succeed. */
  failedRuns: number;
}

/** Figures plus a readable line per problem found. */
export interface DeliveryCheck extends DeliveryFigures {
  readonly problems: string[];
}

/** Zeroed figures. */
export function emptyFigures(): DeliveryFigures {
  return {
    jobs: 0,
    faultsInjected: 0,
    transitions: 0,
    eventsDelivered: 0,
    duplicates: 0,
    lost: 0,
    unexpected: 0,
    sequenceErrors: 0,
    historyMismatches: 0,
    failedRuns: 0,
  };
}

/** Adds `b` into `a`. */
export function addFigures(a: DeliveryFigures, b: DeliveryFigures): DeliveryFigures {
  const sum = { ...a };
  for (const key of Object.keys(sum) as (keyof DeliveryFigures)[]) sum[key] += b[key];
  return sum;
}

/** Removes consecutive repeats: the transitions a sequence of observations contains. */
export function collapse(statuses: readonly string[]): string[] {
  return statuses.filter((s, i) => i === 0 || s !== statuses[i - 1]);
}

/** One status Amazon ML answered a poll attempt, and whether that attempt returned. */
export interface Observation {
  readonly status: string;
  readonly atMs: number;
  /** False when the attempt failed afterwards (its write or publish failed, or it was retried). */
  readonly attemptReturned: boolean;
}

/**
 * What the poll attempts saw, per batch prediction, from the stand-in's log of answers and the
 * runtime's log of handler runs (each answer belongs to the poll run that was in progress for
 * that id), not from anything the handler wrote.
 */
export function observationsOf(runtime: Pick<LocalRuntime, 'machineLearning' | 'invocations' | 'deployment'>): Map<string, Observation[]> {
  const pollFunctions = new Set(runtime.deployment.functions.filter((f) => f.factory === 'createPollHandler').map((f) => f.logicalId));
  const attempts = new Map<string, InvocationRecord[]>();
  for (const invocation of runtime.invocations) {
    if (invocation.batchPredictionId === null || !pollFunctions.has(invocation.functionLogicalId)) continue;
    attempts.set(invocation.batchPredictionId, [...(attempts.get(invocation.batchPredictionId) ?? []), invocation]);
  }
  const byId = new Map<string, Observation[]>();
  runtime.machineLearning.answered.forEach((answer, index) => {
    const attempt = [...(attempts.get(answer.id) ?? [])].reverse().find((a) => a.answersBefore <= index);
    const list = byId.get(answer.id) ?? [];
    list.push({ status: answer.status, atMs: answer.atMs, attemptReturned: attempt?.outcome === 'returned' });
    byId.set(answer.id, list);
  });
  return byId;
}

/**
 * True when `delivered` (distinct statuses, in order) is what the observations allow: every
 * status a returning attempt saw is either the latest delivered one or the next; a status only a
 * failed attempt saw may be left out (the attempt died before writing it), or be delivered.
 */
export function explains(observations: readonly Observation[], delivered: readonly string[]): boolean {
  let reachable = new Set([0]);
  for (const o of observations) {
    const next = new Set<number>();
    for (const j of reachable) {
      if (j > 0 && o.status === delivered[j - 1]) next.add(j);
      if (j < delivered.length && o.status === delivered[j]) next.add(j + 1);
      if (!o.attemptReturned) next.add(j);
    }
    reachable = next;
  }
  return reachable.has(delivered.length);
}

/**
 * The oracle. For each job, compared with what the poll attempts saw (see {@link observationsOf}):
 * the delivered status-change events, deduplicated by `eventId`, are the observed transitions
 * exactly, in order: sequence 1..n in delivery order, each `previousStatus` the status before, no
 * repeat, ending at the terminal status, each observed at an instant Amazon ML answered that
 * status, and every status a returning poll saw being the latest one announced by then. A
 * duplicate is identical to the first delivery, and the history holds one published item per
 * distinct event with the same `eventId`, status and sequence.
 */
export function checkDelivery(
  result: RunResult,
  observations: ReadonlyMap<string, readonly Observation[]>,
  jobs: readonly JobSpec[],
  prefix: string,
): DeliveryCheck {
  const figures = emptyFigures();
  const problems: string[] = [];
  figures.jobs = jobs.length;
  figures.faultsInjected = result.totals.faultsInjected;
  figures.failedRuns = result.executions.filter((e) => e.status !== 'SUCCEEDED').length;
  for (const e of result.executions.filter((x) => x.status !== 'SUCCEEDED')) problems.push(`${e.name}: execution ${e.status} (${e.error})`);

  jobs.forEach((job, i) => {
    const id = `${prefix}-${i}`;
    const problem = (text: string) => problems.push(`${id}: ${text}`);
    const observed = observations.get(id) ?? [];

    const delivered = statusChanges(result, id);
    figures.eventsDelivered += delivered.length;
    const firstById = new Map<string, (typeof delivered)[number]>();
    for (const event of delivered) {
      const eventId = String(event.envelope.detail.eventId);
      const first = firstById.get(eventId);
      if (first === undefined) {
        firstById.set(eventId, event);
        continue;
      }
      figures.duplicates++;
      if (JSON.stringify(first.envelope.detail) !== JSON.stringify(event.envelope.detail) || first.envelope.time !== event.envelope.time) {
        problem(`event ${eventId} was delivered twice with different content`);
      }
    }
    const distinct = [...firstById.values()].map((e) => e.envelope.detail);
    const statuses = distinct.map((d) => String(d.status));
    const describe = () =>
      `observed ${JSON.stringify(observed.map((o) => `${o.status}${o.attemptReturned ? '' : '(failed attempt)'}`).filter((o, k, all) => k === 0 || o !== all[k - 1]))} but subscribers saw ${JSON.stringify(distinct.map((d) => `${d.sequence}:${d.previousStatus}→${d.status}`))}`;

    // Each event announces a status Amazon ML answered at the instant it claims.
    const unexpected = distinct.filter(
      (d) => !observed.some((o) => o.status === d.status && new Date(o.atMs).toISOString() === d.observedAt),
    ).length;
    // Each status a returning poll saw is the latest one announced by its instant.
    let lost = 0;
    let stale: string | undefined;
    for (const o of observed.filter((x) => x.attemptReturned)) {
      const known = distinct.filter((d) => Date.parse(String(d.observedAt)) <= o.atMs).pop();
      const missed = known?.status !== o.status;
      if (missed && stale !== o.status) lost++;
      stale = missed ? o.status : undefined;
    }
    figures.lost += lost;
    figures.unexpected += unexpected;
    figures.transitions += distinct.length - unexpected + lost;

    const chainProblems: string[] = [];
    distinct.forEach((d, k) => {
      if (d.sequence !== k + 1) chainProblems.push(`event ${k + 1} in delivery order has sequence ${String(d.sequence)}`);
      if (d.previousStatus !== (k === 0 ? null : distinct[k - 1].status))
        chainProblems.push(`event ${k + 1} has previousStatus ${String(d.previousStatus)}`);
      if (k > 0 && d.status === distinct[k - 1].status) chainProblems.push(`two consecutive events with status ${String(d.status)}`);
      if (d.runId !== distinct[0].runId) chainProblems.push('events of one run carry different runIds');
    });
    const last = distinct[distinct.length - 1];
    const terminal = job.timeline[job.timeline.length - 1].status;
    if (last === undefined || last.status !== terminal || !(isBatchPredictionStatus(last.status) && isTerminalStatus(last.status))) {
      chainProblems.push(`the last event is ${String(last?.status)}, not the terminal status ${terminal}`);
    }
    if (!explains(observed, statuses) || chainProblems.length > 0 || lost > 0 || unexpected > 0) {
      figures.sequenceErrors++;
      problem(`${describe()}${chainProblems.length > 0 ? `; ${chainProblems.join('; ')}` : ''}`);
    }

    // History matches the distinct events one to one, all published.
    const items = historyOf(result, id);
    const byEventId = new Map(items.map((item) => [String(item.eventId), item]));
    // Two items with one eventId, an event without its published item, an item without its event.
    let historyMismatches = items.length - byEventId.size;
    for (const d of distinct) {
      const item = byEventId.get(String(d.eventId));
      if (item === undefined || item.status !== d.status || item.sequence !== d.sequence || item.published !== true) historyMismatches++;
    }
    for (const item of items) if (!firstById.has(String(item.eventId))) historyMismatches++;
    if (historyMismatches > 0) {
      problem(
        `history ${JSON.stringify(items.map((h) => `${h.sequence}:${h.status}:${h.published}`))} does not match the events ${JSON.stringify(distinct.map((d) => `${d.sequence}:${d.status}`))}`,
      );
    }
    figures.historyMismatches += historyMismatches;
  });
  return { ...figures, problems };
}

/**
 * Runs one batch of jobs through the local runtime and checks it. Retries wait their backoff on
 * the virtual clock, so a status may change between a failed attempt and its retry.
 */
export async function runAndCheck(deployment: LocalDeployment, jobs: readonly JobSpec[], prefix: string): Promise<DeliveryCheck> {
  const { result, runtime } = await runLocally(deployment, scenarioFor(jobs, prefix), undefined, {
    seed: prefix,
    simulateRetryDelays: true,
  });
  return checkDelivery(result, observationsOf(runtime), jobs, prefix);
}
