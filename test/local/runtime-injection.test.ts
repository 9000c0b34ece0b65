/**
 * The local runtime injects each function's settings and the virtual clock through the handler
 * factories (the composition root), instead of the process environment: every function gets its
 * own template variables plus Lambda's reserved ones, and the time of the simulated world.
 */
import { EnvVar } from '../../lib/contract/environment';
import { LocalRuntime } from '../../local/runtime/runtime';
import { synthesizeDeployment } from '../../local/template/synthesis';

interface FactoryCall {
  readonly factory: string;
  readonly settings?: Readonly<Record<string, string | undefined>>;
  readonly nowMs?: number;
  readonly clockMs: number;
}

describe('the local runtime injects settings and time', () => {
  it("builds each function's handler with that function's settings and the virtual clock, leaving the process environment alone", async () => {
    const deployment = synthesizeDeployment();
    const calls: FactoryCall[] = [];
    let runtime: LocalRuntime | undefined;
    const fakeModule = (factory: string) => ({
      [factory]: (options: { settings?: Readonly<Record<string, string | undefined>>; now?: () => Date }) => {
        calls.push({
          factory,
          settings: options.settings,
          nowMs: options.now?.().getTime(),
          clockMs: runtime?.clock.nowMs() ?? Number.NaN,
        });
        return async () => ({ terminal: true });
      },
    });
    const before = process.env[EnvVar.HISTORY_TABLE_NAME];
    runtime = await LocalRuntime.start(
      { batchPredictions: [], faults: [] },
      { deployment, startTime: '2026-03-01T00:00:00.000Z', loadHandlerModule: (fn) => fakeModule(fn.factory) },
    );
    try {
      const poll = deployment.functions.find((f) => f.factory === 'createPollHandler');
      expect(poll).toBeDefined();
      await runtime.lambda.run(poll!, {}, 'r1');
      expect(process.env[EnvVar.HISTORY_TABLE_NAME]).toBe(before);
    } finally {
      await runtime.stop();
    }
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call.settings).toMatchObject({
      AWS_REGION: deployment.region,
      AWS_LAMBDA_FUNCTION_NAME: expect.any(String),
      [EnvVar.HISTORY_TABLE_NAME]: expect.any(String),
    });
    expect(call.nowMs).toBe(Date.parse('2026-03-01T00:00:00.000Z'));
    expect(call.nowMs).toBe(call.clockMs);
  }, 60_000);
});
