/**
 * The fault plan's extensions (`after`, `skip`, `Invoke` faults scoped to a `state`) and how a
 * scenario file declares them. Their effect through the runtime is tested in test/e2e.
 */
import { FaultPlan } from '../../local/scenarios/faults';
import { ScenarioError, validateScenario } from '../../local/scenarios/scenario';

const bp = { id: 'bp-1', timeline: [{ at: 0, status: 'COMPLETED' }] };
const withFault = (fault: Record<string, unknown>) => ({ batchPredictions: [bp], faults: [fault] });

describe('FaultPlan', () => {
  it('lets the first `skip` matching calls through, then strikes `times` times', () => {
    const plan = new FaultPlan([{ operation: 'PutItem', error: 'InternalServerError', skip: 2, times: 1 }]);
    const kinds = [1, 2, 3, 4].map(() => plan.take('PutItem', ['bp-1'])?.kind);
    expect(kinds).toEqual([undefined, undefined, 'error', undefined]);
    expect(plan.totalInjected()).toBe(1);
  });

  it('counts skipped calls for the faults of that id only', () => {
    const plan = new FaultPlan([{ operation: 'PutItem', id: 'bp-2', error: 'InternalServerError', skip: 1, times: 1 }]);
    expect(plan.take('PutItem', ['bp-1'])).toBeUndefined();
    expect(plan.take('PutItem', ['bp-2'])).toBeUndefined();
    expect(plan.take('PutItem', ['bp-2'])?.kind).toBe('error');
  });

  it('says whether the error comes after the operation took effect, with a 5xx or 4xx status', () => {
    const plan = new FaultPlan([
      { operation: 'UpdateItem', error: 'InternalServerError', after: true, times: 1 },
      { operation: 'PutEvents', error: 'ThrottlingException', times: 1 },
    ]);
    const update = plan.take('UpdateItem', []);
    const put = plan.take('PutEvents', []);
    expect(update).toMatchObject({ kind: 'error', after: true, error: { errorType: 'InternalServerError', statusCode: 500 } });
    expect(put).toMatchObject({ kind: 'error', after: false, error: { errorType: 'ThrottlingException', statusCode: 400 } });
  });

  it('scopes an Invoke fault to one function (by construct id), such as the asynchronously invoked starter', () => {
    const plan = new FaultPlan([{ operation: 'Invoke', error: 'Sandbox.Timedout', function: 'StarterFunction', times: 1 }]);
    expect(plan.functionsNamed()).toEqual(['StarterFunction']);
    expect(plan.take('Invoke', [], 'Poll', 'PollFunction')).toBeUndefined();
    expect(plan.take('Invoke', [], undefined, 'StarterFunction')).toMatchObject({
      kind: 'error',
      error: { errorType: 'Sandbox.Timedout' },
    });
    expect(plan.take('Invoke', [], undefined, 'StarterFunction')).toBeUndefined();
  });

  it('scopes an Invoke fault to the Lambda task of one state', () => {
    const plan = new FaultPlan([{ operation: 'Invoke', error: 'Lambda.TooManyRequestsException', state: 'Poll', times: 5 }]);
    expect(plan.take('Invoke', ['bp-1'], 'ReportFailure')).toBeUndefined();
    expect(plan.take('Invoke', ['bp-1'], 'Poll')).toMatchObject({ kind: 'error', error: { errorType: 'Lambda.TooManyRequestsException' } });
    expect(plan.injected).toEqual({ Invoke: 1 });
  });
});

describe('scenario fault keys', () => {
  it('accepts after, skip and an Invoke fault with a state, and leaves older faults as they were', () => {
    const scenario = validateScenario({
      batchPredictions: [bp],
      faults: [
        { operation: 'PutEvents', error: 'InternalFailure', after: true, skip: 1, times: 1 },
        { operation: 'Invoke', error: 'Lambda.ServiceException', state: 'Poll', times: 2 },
        { operation: 'GetBatchPrediction', error: 'InternalServerException', times: 2 },
        // The function runs to its end, then the invocation dies (a crash after its side effects).
        { operation: 'Invoke', error: 'Sandbox.Timedout', state: 'Poll', after: true, times: 1 },
      ],
    });
    expect(scenario.faults[3]).toMatchObject({ operation: 'Invoke', error: 'Sandbox.Timedout', after: true });
    expect(scenario.faults[0]).toMatchObject({ operation: 'PutEvents', after: true, skip: 1, times: 1 });
    expect(scenario.faults[1]).toMatchObject({ operation: 'Invoke', error: 'Lambda.ServiceException', state: 'Poll', times: 2 });
    expect(
      Object.keys(scenario.faults[2])
        .filter((k) => (scenario.faults[2] as unknown as Record<string, unknown>)[k] !== undefined)
        .sort(),
    ).toEqual(['error', 'operation', 'times']);
  });

  it.each([
    [
      'after not a boolean',
      { operation: 'PutItem', error: 'InternalServerError', after: 'yes', times: 1 },
      'faults[0].after',
      /must be true or false/,
    ],
    [
      'after on a read of Amazon ML',
      { operation: 'GetBatchPrediction', error: 'InternalServerException', after: true, times: 1 },
      'faults[0].after',
      /only applies to PutEvents, DynamoDB operations and Invoke/,
    ],
    [
      'after with failedEntries',
      { operation: 'PutEvents', failedEntries: 1, after: true, times: 1 },
      'faults[0]',
      /"after" and "failedEntries" exclude each other/,
    ],
    [
      'skip negative',
      { operation: 'PutItem', error: 'InternalServerError', skip: -1, times: 1 },
      'faults[0].skip',
      /whole number ≥ 0, got -1/,
    ],
    ['skip not whole', { operation: 'PutItem', error: 'InternalServerError', skip: 1.5, times: 1 }, 'faults[0].skip', /whole number ≥ 0/],
    [
      'state on another operation',
      { operation: 'PutItem', error: 'InternalServerError', state: 'Poll', times: 1 },
      'faults[0].state',
      /only applies to the "Invoke" operation/,
    ],
    [
      'state empty',
      { operation: 'Invoke', error: 'Lambda.ServiceException', state: '', times: 1 },
      'faults[0].state',
      /name of a Task state/,
    ],
    ['Invoke without error', { operation: 'Invoke', times: 1 }, 'faults[0].error', /AWS error code/],
    [
      'function on another operation',
      { operation: 'DescribeBatchPredictions', error: 'ThrottlingException', function: 'StarterFunction', times: 1 },
      'faults[0].function',
      /only applies to the "Invoke" operation/,
    ],
    [
      'function not a construct id',
      { operation: 'Invoke', error: 'Lambda.Unknown', function: 'Starter/Function', times: 1 },
      'faults[0].function',
      /construct id of a function such as "StarterFunction"/,
    ],
  ])('rejects %s in one line naming the key', (_label, fault, where, problem) => {
    let error: unknown;
    try {
      validateScenario(withFault(fault), 'scenario.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message.startsWith(`scenario.json: ${where}: `)).toBe(true);
    expect(message).toMatch(problem);
  });
});
