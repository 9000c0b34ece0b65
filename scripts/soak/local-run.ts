/**
 * Running a scenario through the local runtime and reading what it delivered: what the delivery
 * model (the property test and `npm run soak`) and the end-to-end tests share.
 */
import { DetailType } from '../../lib/contract/events';
import type { LocalDeployment } from '../../local/template/deployment';
import type { DeliveredEvent } from '../../local/stand-ins/event-bridge/event-bridge-stand-in';
import { LocalRuntime, type RunResult } from '../../local/runtime/runtime';
import { validateScenario } from '../../local/scenarios/scenario';

/** What {@link runLocally} hands back: the run's result and the (stopped) runtime, for its records. */
export interface LocalRun {
  readonly result: RunResult;
  readonly runtime: LocalRuntime;
}

/**
 * Runs a scenario (raw JSON form, validated like a scenario file) through the local runtime on an
 * already synthesized deployment. `beforeRun` may start executions of its own first.
 */
export async function runLocally(
  deployment: LocalDeployment,
  scenario: unknown,
  beforeRun?: (runtime: LocalRuntime) => void,
  options: { seed?: string; simulateRetryDelays?: boolean } = {},
): Promise<LocalRun> {
  const runtime = await LocalRuntime.start(validateScenario(scenario, 'test scenario'), { deployment, ...options });
  try {
    beforeRun?.(runtime);
    const result = await runtime.run();
    return { result, runtime };
  } finally {
    await runtime.stop();
  }
}

/** Status-change events about `id`, in the order the bus accepted them. */
export function statusChanges(result: RunResult, id: string): DeliveredEvent[] {
  return result.events
    .filter((e) => e.envelope['detail-type'] === DetailType.STATUS_CHANGE && e.envelope.detail.batchPredictionId === id)
    .sort((a, b) => a.arrival - b.arrival);
}

/** History items about `id`, in sort-key order. */
export function historyOf(result: RunResult, id: string): Record<string, unknown>[] {
  return result.history
    .filter((h) => h.batchPredictionId === id)
    .sort((a, b) => String(a.transitionKey).localeCompare(String(b.transitionKey)));
}
