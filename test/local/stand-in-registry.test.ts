/**
 * The stand-ins are one registry: each service once, each started on its own endpoint, and the
 * handlers' clients are exactly the registry's, one per stand-in.
 */
import { LocalRuntime } from '../../local/runtime/runtime';
import { synthesizeDeployment } from '../../local/template/synthesis';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await LocalRuntime.start({ batchPredictions: [], faults: [] }, { deployment: synthesizeDeployment() });
}, 60_000);

afterAll(() => runtime.stop());

describe('the stand-in registry', () => {
  it('holds each service once, with the client that reaches it', () => {
    const services = runtime.standIns.map((s) => s.service);
    expect(new Set(services).size).toBe(services.length);
    expect(services.sort()).toEqual(['dynamodb', 'eventbridge', 'machinelearning', 'sfn']);
    expect(runtime.standIns.map((s) => s.clientKey).sort()).toEqual(['dynamoDb', 'eventBridge', 'machineLearning', 'stepFunctions']);
  });

  it('serves each on its own loopback endpoint, which the endpoints table and the served router name', () => {
    for (const standIn of runtime.standIns) {
      expect(runtime.endpoints[standIn.service]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(runtime.endpointFor(standIn.service)?.endpoint).toBe(runtime.endpoints[standIn.service]);
    }
    expect(new Set(Object.values(runtime.endpoints)).size).toBe(4);
  });
});
