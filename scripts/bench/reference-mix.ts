/**
 * The reference mix (5 min to 7 days, PENDING → INPROGRESS → COMPLETED) through the local runtime
 * under the default (adaptive) policy and under a fixed 30 s loop, in two workers at once: state
 * transitions, history events per execution, and the measured usage priced with `scripts/pricing.ts`.
 */
import type { LocalDeployment } from '../../local/template/deployment';
import { costOf } from '../pricing';
import { REFERENCE_MIX, mixId, referenceMixScenario } from './scenarios';
import type { SimulateRequest, SimulationSummary } from './simulation';
import { linearFit, usd } from './statistics';
import { startWorker } from './workers';

/** Step Functions' limit on events in one execution's history. */
const HISTORY_EVENT_LIMIT = 25_000;
/** The fixed loop's interval, in seconds (the classic Job Poller's 30 s wait). */
export const FIXED_INTERVAL_SECONDS = 30;

/** Runs the mix under both deployments at once. */
export async function runReferenceMix(
  adaptiveDeployment: LocalDeployment,
  fixedDeployment: LocalDeployment,
): Promise<{ adaptive: SimulationSummary; fixed: SimulationSummary }> {
  const mixRequest = (deployment: LocalDeployment): SimulateRequest => ({
    kind: 'simulate',
    deployment,
    scenario: referenceMixScenario(),
    barrier: false,
    timeHandlers: true,
    detailed: true,
  });
  const [adaptive, fixed] = await Promise.all([
    startWorker(mixRequest(adaptiveDeployment)).done,
    startWorker(mixRequest(fixedDeployment)).done,
  ]);
  return { adaptive, fixed };
}

/** One policy's cost per job of the mix, by service, in USD. */
export interface CostPerJob {
  readonly stepFunctions: number;
  readonly lambda: number;
  readonly dynamoDb: number;
  readonly eventBridge: number;
  readonly total: number;
}

/** One job's figures under one policy. */
export interface JobFigures {
  readonly executions: number;
  readonly polls: number;
  readonly stateTransitions: number;
  readonly maxHistoryEventsPerExecution: number;
}

/** The reference mix's figures. */
export interface MixFigures {
  readonly transitionsRatio: number;
  readonly costAdaptive: CostPerJob;
  readonly costFixed: CostPerJob;
  /** History events per execution as a + b·polls, fitted over the fixed loop's executions. */
  readonly fit: { readonly a: number; readonly b: number };
  /** When one execution of a fixed 30 s loop that never continues as new reaches the history limit. */
  readonly baselineFailsAtHours: number;
  readonly jobs: readonly { job: string; seconds: number; adaptive: JobFigures; fixed30s: JobFigures }[];
}

/** Computes the mix's figures from the two simulations. */
export function mixFigures(adaptive: SimulationSummary, fixed: SimulationSummary): MixFigures {
  const jobsInMix = REFERENCE_MIX.length;
  const perJob = (summary: SimulationSummary): CostPerJob => {
    const c = costOf(summary.usage);
    return {
      stepFunctions: usd(c.stepFunctions / jobsInMix),
      lambda: usd(c.lambda / jobsInMix),
      dynamoDb: usd(c.dynamoDb / jobsInMix),
      eventBridge: usd(c.eventBridge / jobsInMix),
      total: usd(c.total / jobsInMix),
    };
  };
  // History events grow linearly with polls; a fixed loop that never continues as new (the classic
  // Job Poller) fails when one execution reaches the limit.
  const fit = linearFit(fixed.executions.map((e) => ({ x: e.polls, y: e.historyEvents })));
  const pollsAtLimit = (HISTORY_EVENT_LIMIT - fit.a) / fit.b;
  const byJob = (summary: SimulationSummary, id: string): JobFigures => {
    const executions = summary.executions.filter((e) => e.batchPredictionId === id);
    return {
      executions: executions.length,
      polls: executions.reduce((a, e) => a + e.polls, 0),
      stateTransitions: executions.reduce((a, e) => a + e.stateTransitions, 0),
      maxHistoryEventsPerExecution: Math.max(0, ...executions.map((e) => e.historyEvents)),
    };
  };
  return {
    transitionsRatio: adaptive.totals.stateTransitions / fixed.totals.stateTransitions,
    costAdaptive: perJob(adaptive),
    costFixed: perJob(fixed),
    fit,
    baselineFailsAtHours: ((Math.floor(pollsAtLimit) - 1) * FIXED_INTERVAL_SECONDS) / 3600,
    jobs: REFERENCE_MIX.map((job) => ({
      job: job.label,
      seconds: job.seconds,
      adaptive: byJob(adaptive, mixId(job.label)),
      fixed30s: byJob(fixed, mixId(job.label)),
    })),
  };
}
