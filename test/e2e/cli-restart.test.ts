import type { Server } from 'node:http';
import { synthesizeDeployment } from '../../local/template/synthesis';
import { LocalRuntime } from '../../local/runtime/runtime';
import { validateScenario } from '../../local/scenarios/scenario';
import { startServeEndpoint } from '../../local/cli/serve';
import { servedCli, until } from './support/served';

// `watch --restart` against the long-running local runtime, through its one endpoint: a run that
// failed while the job was still in progress, the refusal that says what to do, the operator's
// restart, and the restarted run in `history`. Discovery is off so that no sweeper restarts the
// run first: the operator is the only one who can.
let runtime: LocalRuntime;
let server: Server;
let endpoint: string;

beforeAll(async () => {
  const scenario = validateScenario({
    batchPredictions: [
      {
        id: 'bp-stuck',
        timeline: [
          { at: 0, status: 'PENDING' },
          { at: 3600, status: 'INPROGRESS' },
          { at: 7200, status: 'COMPLETED' },
        ],
      },
    ],
    // The second poll meets 7 errors: the Poll task's retries run out and the run fails.
    faults: [{ operation: 'GetBatchPrediction', id: 'bp-stuck', error: 'InternalServerException', skip: 1, times: 7 }],
  });
  runtime = await LocalRuntime.start(scenario, { deployment: synthesizeDeployment({ discovery: 'false' }) });
  ({ server, endpoint } = await startServeEndpoint(runtime, 0));
  // 2,000× real time: the first run fails within milliseconds, the job completes in about 4 s.
  runtime.serve(2000);
}, 120_000);

afterAll(async () => {
  server.close();
  await runtime.stop();
});

it('a failed run: watch refuses and names --restart; watch --restart starts <id>+r1, which polls to the end as a new run', async () => {
  // The first run fails while the job is PENDING.
  await until(async () => (runtime.stepFunctions.executions.find((e) => e.name === 'bp-stuck')?.status === 'FAILED' ? true : undefined), {
    everyMs: 50,
  });

  const refused = await servedCli(endpoint, ['watch', 'bp-stuck']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(
    /^batch-prediction-poller: bp-stuck was polled before and that run did not finish \(execution bp-stuck ended FAILED at .*MachineLearningUnavailableError/,
  );
  expect(refused.stderr).toMatch(/run batch-prediction-poller watch --restart bp-stuck \(starts bp-stuck\+r1\)/);

  const restarted = await servedCli(endpoint, ['watch', '--restart', 'bp-stuck']);
  expect(restarted).toMatchObject({ code: 0, stderr: '' });
  expect(restarted.stdout).toMatch(
    /^restarted polling bp-stuck: execution bp-stuck\+r1 running since .*, restart 1, a new run; the previous run's execution bp-stuck ended FAILED/,
  );

  // Running now (the job completes 2 simulated hours in, about 3.6 s of real time): a second
  // --restart starts nothing.
  const again = await servedCli(endpoint, ['watch', '--restart', 'bp-stuck']);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/bp-stuck is already being polled: execution bp-stuck\+r1 running since .*, restart 1/);

  const history = await until(
    async () => {
      const result = await servedCli(endpoint, ['history', 'bp-stuck', '--json']);
      return result.code === 0 && result.stdout.includes('COMPLETED')
        ? (JSON.parse(result.stdout) as {
            runs: { runId: string; restart: number; transitions: { sequence: number; previousStatus: string | null; status: string }[] }[];
          })
        : undefined;
    },
    { everyMs: 50 },
  );
  expect(history.runs.map((r) => [r.runId.replace(/^[^/]+\//, ''), r.restart])).toEqual([
    ['bp-stuck', 0],
    ['bp-stuck+r1', 1],
  ]);
  expect(history.runs[0].transitions.map((t) => [t.sequence, t.previousStatus, t.status])).toEqual([[1, null, 'PENDING']]);
  // A new run: sequence from 1, previousStatus null on its first observation, then on to COMPLETED.
  // (Its first poll sees PENDING or, on a slow machine, already INPROGRESS.)
  const [first, ...rest] = history.runs[1].transitions;
  expect([first.sequence, first.previousStatus]).toEqual([1, null]);
  expect(rest.map((t) => t.sequence)).toEqual(rest.map((_, i) => i + 2));
  expect(history.runs[1].transitions.map((t) => t.status).slice(-2)).toEqual(['INPROGRESS', 'COMPLETED']);
  const text = await servedCli(endpoint, ['history', 'bp-stuck']);
  expect(text.stdout).toMatch(/\nrun \S+\/bp-stuck\+r1 \(restart 1: a new run after the previous one ended\)\n/);
  // The history item of COMPLETED is written by the last poll, before the execution leaves it for
  // its Succeed state: wait for the execution to end, then check how both ended.
  await until(() => (runtime.stepFunctions.executions.find((e) => e.name === 'bp-stuck+r1')?.status === 'RUNNING' ? undefined : true), {
    everyMs: 20,
  });
  expect(runtime.stepFunctions.executions.map((e) => [e.name, e.status])).toEqual([
    ['bp-stuck', 'FAILED'],
    ['bp-stuck+r1', 'SUCCEEDED'],
  ]);
});
