/**
 * One simulation in a bench worker process: a scenario through one local runtime, and what it used
 * (state transitions, calls the stand-ins answered, history items, events, handler durations).
 */
import type { PollIntervalPolicy } from '../../lib/contract/poll-interval-policy';
import type { FunctionDefinition, LocalDeployment } from '../../local/template/deployment';
import type { RunResult, RunTotals } from '../../local/runtime/runtime';
import { type Usage, dynamoDbItemBytes, eventBridgeEvents, lambdaGbSeconds, readRequestUnits, writeRequestUnits } from '../pricing';
import { type DetectionDelays, detectionDelays } from './detection-delay';

/** The factory that names the poll function among the deployment's functions. */
export const POLL_FACTORY = 'createPollHandler';

/** What the parent asks a worker to simulate. */
export interface SimulateRequest {
  readonly kind: 'simulate';
  readonly deployment: LocalDeployment;
  readonly scenario: unknown;
  /** Wait for a `go` message after booting, so that several workers start together. */
  readonly barrier: boolean;
  /** Time every poll-function invocation (for Lambda duration). */
  readonly timeHandlers: boolean;
  /** Keep per-job figures and usage (the reference mix), not just totals. */
  readonly detailed: boolean;
}

/** One execution's figures (kept with `detailed`). */
export interface ExecutionFigures {
  readonly batchPredictionId: string | null;
  readonly status: string;
  readonly polls: number;
  readonly stateTransitions: number;
  readonly historyEvents: number;
}

/** What a worker reports back. */
export interface SimulationSummary {
  readonly totals: RunTotals;
  readonly executions: readonly ExecutionFigures[];
  readonly usage: Usage;
  readonly usageNotes: {
    readonly getItems: number;
    readonly putItems: number;
    readonly updateItems: number;
    readonly avgItemBytes: number;
    readonly handlerMsMean: number | null;
  };
  readonly detection: DetectionDelays;
  readonly wall: { readonly startMs: number; readonly endMs: number };
  readonly cpuMs: number;
  readonly maxRssMb: number;
}

/** The messages a worker sends its parent. */
export type WorkerMessage = { kind: 'ready' } | { kind: 'done'; summary: SimulationSummary } | { kind: 'error'; message: string };

/**
 * Runs `request`'s scenario. With `barrier`, calls `ready` after booting and waits for the promise
 * it returns before the run starts.
 */
export async function simulate(request: SimulateRequest, ready: () => Promise<void>): Promise<SimulationSummary> {
  // Loaded here, in the worker, so that the parent process stays free of the runtime.
  const { LocalRuntime } = await import('../../local/runtime/runtime');
  const { validateScenario } = await import('../../local/scenarios/scenario');
  const scenario = validateScenario(request.scenario, 'bench scenario');
  const deployment = request.deployment;
  const runtime = await LocalRuntime.start(scenario, { deployment });

  const pollFunction = deployment.functions.find((f) => f.factory === POLL_FACTORY);
  if (pollFunction === undefined) throw new Error('The deployment has no poll function');
  const handlerMs: number[] = [];
  if (request.timeHandlers) {
    // Wraps the Lambda invoker of the local Step Functions: real time per poll invocation.
    const stepFunctions = runtime.stepFunctions as unknown as {
      invoke?: (fn: FunctionDefinition, payload: unknown, requestId: string) => Promise<unknown>;
    };
    const inner = stepFunctions.invoke;
    if (typeof inner === 'function') {
      stepFunctions.invoke = async (fn, payload, requestId) => {
        const started = performance.now();
        try {
          return await inner(fn, payload, requestId);
        } finally {
          if (fn.logicalId === pollFunction.logicalId) handlerMs.push(performance.now() - started);
        }
      };
    }
  }

  if (request.barrier) await ready();
  const cpu0 = process.cpuUsage();
  const startMs = performance.timeOrigin + performance.now();
  let result: RunResult;
  try {
    result = await runtime.run();
  } finally {
    await runtime.stop();
  }
  const endMs = performance.timeOrigin + performance.now();
  const cpu = process.cpuUsage(cpu0);

  const count = (service: string, operation: string) =>
    result.calls.filter((c) => c.service === service && c.operation === operation).length;
  const getItems = count('dynamodb', 'GetItem');
  const putItems = count('dynamodb', 'PutItem');
  const updateItems = count('dynamodb', 'UpdateItem');
  const itemBytes = result.history.map((item) => dynamoDbItemBytes(item));
  const avgItemBytes = itemBytes.length === 0 ? 0 : itemBytes.reduce((a, b) => a + b, 0) / itemBytes.length;
  const avgItemWru = itemBytes.length === 0 ? 1 : itemBytes.reduce((a, b) => a + writeRequestUnits(b), 0) / itemBytes.length;
  const memoryMb = Number(
    (deployment.template.Resources as Record<string, { Properties?: { MemorySize?: number } }>)[pollFunction.logicalId]?.Properties
      ?.MemorySize ?? 128,
  );
  const polls = result.executions.reduce((a, e) => a + e.polls, 0);
  const usage: Usage = {
    stateTransitions: result.totals.stateTransitions,
    lambdaRequests: polls,
    lambdaGbSeconds:
      handlerMs.length === 0 ? 0 : (handlerMs.reduce((a, ms) => a + lambdaGbSeconds(memoryMb, ms), 0) / handlerMs.length) * polls,
    // A strongly consistent GetItem costs one read unit whether or not the item is there (items are < 4 KB).
    dynamoDbReadRequestUnits: getItems * readRequestUnits(avgItemBytes),
    // A conditional PutItem and the UpdateItem that flags the item published, each metered on the item's size.
    dynamoDbWriteRequestUnits: (putItems + updateItems) * avgItemWru,
    eventBridgeEvents: result.events.reduce((a, e) => a + eventBridgeEvents(Buffer.byteLength(JSON.stringify(e.envelope.detail))), 0),
  };

  const policy = JSON.parse(pollFunction.environment.POLLER_POLL_INTERVAL_POLICY ?? 'null') as PollIntervalPolicy | null;
  const detection = detectionDelays(scenario.batchPredictions, result.events, runtime.clock.startMs, policy);
  return {
    totals: result.totals,
    executions: request.detailed
      ? result.executions.map((e) => ({
          batchPredictionId: e.batchPredictionId,
          status: e.status,
          polls: e.polls,
          stateTransitions: e.stateTransitions,
          historyEvents: e.historyEvents,
        }))
      : [],
    usage,
    usageNotes: {
      getItems,
      putItems,
      updateItems,
      avgItemBytes,
      handlerMsMean: handlerMs.length === 0 ? null : handlerMs.reduce((a, b) => a + b, 0) / handlerMs.length,
    },
    detection,
    wall: { startMs, endMs },
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
