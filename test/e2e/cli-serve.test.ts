import type { Server } from 'node:http';
import { synthesizeDeployment } from '../../local/template/synthesis';
import { LocalRuntime } from '../../local/runtime/runtime';
import { validateScenario } from '../../local/scenarios/scenario';
import { startServeEndpoint } from '../../local/cli/serve';
import { servedCli, until } from './support/served';

// The operator CLI against the long-running local runtime (`npm start -- --serve`), through the
// same single endpoint a user points AWS_ENDPOINT_URL at: CloudFormation outputs, Step Functions,
// DynamoDB, all real SDK clients over HTTP.
let runtime: LocalRuntime;
let server: Server;
let endpoint: string;

beforeAll(async () => {
  const scenario = validateScenario({
    batchPredictions: [
      // Nobody starts it: `watch` does. The timeline counts from the clock's start, not the run's:
      // PENDING lasts 2 simulated hours (0.36 s real) so that a `watch` delayed by a loaded machine
      // still sees it.
      {
        id: 'bp-watched',
        starts: 0,
        timeline: [
          { at: 0, status: 'PENDING' },
          { at: 7200, status: 'INPROGRESS' },
          { at: 14400, status: 'COMPLETED' },
        ],
      },
    ],
  });
  runtime = await LocalRuntime.start(scenario, { deployment: synthesizeDeployment() });
  ({ server, endpoint } = await startServeEndpoint(runtime, 0));
  // Fast enough that the 4-hour job ends in under a second of real time.
  runtime.serve(20_000);
}, 120_000);

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await runtime.stop();
});

it('watch starts a run, history shows its transitions, list its latest status', async () => {
  const watched = await servedCli(endpoint, ['watch', 'bp-watched']);
  expect(watched).toMatchObject({ code: 0, stderr: '' });
  expect(watched.stdout).toMatch(/bp-watched/);

  const history = await until(
    async () => {
      const result = await servedCli(endpoint, ['history', 'bp-watched', '--json']);
      return result.code === 0 && result.stdout.includes('COMPLETED') ? (JSON.parse(result.stdout) as Record<string, unknown>) : undefined;
    },
    { everyMs: 100 },
  );
  const transitions = JSON.stringify(history);
  expect(transitions.indexOf('PENDING')).toBeLessThan(transitions.indexOf('INPROGRESS'));
  expect(transitions.indexOf('INPROGRESS')).toBeLessThan(transitions.indexOf('COMPLETED'));

  const listed = await servedCli(endpoint, ['list', '--status', 'COMPLETED', '--json']);
  expect(listed.code).toBe(0);
  expect(JSON.parse(listed.stdout)).toMatchObject({ batchPredictions: [{ batchPredictionId: 'bp-watched', status: 'COMPLETED' }] });

  // A second watch of the finished run starts nothing and says why.
  const again = await servedCli(endpoint, ['watch', 'bp-watched']);
  expect(again.code).toBe(1);
  expect(runtime.stepFunctions.executions.filter((e) => e.name.startsWith('bp-watched'))).toHaveLength(1);
});

it.each([
  [['history', 'bp-nobody'], 1, /no history for bp-nobody/],
  [['list', '--stack', 'Other'], 1, /no stack named Other/],
  [['watch', 'bad id!'], 2, /invalid batch prediction id/],
])('%j exits %i with one line naming the problem', async (argv, code, message) => {
  const result = await servedCli(endpoint, [...argv]);
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
});
