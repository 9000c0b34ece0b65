/**
 * What the local runtime knows about ASL beyond the interpreter: which definitions it refuses to
 * run (rather than run wrongly), how long Wait states wait, and how history events and state
 * transitions are counted.
 */
import {
  type ExecutionCounts,
  type InterpreterEvent,
  LAMBDA_INVOKE,
  START_EXECUTION,
  UnsupportedDefinitionError,
  assertRunnableLocally,
  countEvent,
  waitMillisecondsOf,
  walkStates,
} from '../../local/template/asl';
import { readReferencePath } from '../../local/core/reference-path';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:Poll';

/** A definition in the shape the stack synthesizes: poll, choose, wait, loop. */
function pollLoop(overrides: Record<string, Record<string, unknown>> = {}, top: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    StartAt: 'Poll',
    ...top,
    States: {
      Poll: {
        Type: 'Task',
        Resource: LAMBDA_INVOKE,
        Parameters: { FunctionName: FUNCTION_ARN, 'Payload.$': '$' },
        OutputPath: '$.Payload',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Failed' }],
        Next: 'IsTerminal',
        ...overrides.Poll,
      },
      IsTerminal: {
        Type: 'Choice',
        Choices: [{ Variable: '$.terminal', BooleanEquals: true, Next: 'Done' }],
        Default: 'Wait',
        ...overrides.IsTerminal,
      },
      Wait: { Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'Poll', ...overrides.Wait },
      Done: { Type: 'Succeed' },
      Failed: { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
    },
  };
}

describe('assertRunnableLocally', () => {
  it('accepts JSONPath definitions with Lambda invoke, Lambda ARN and StartExecution tasks', () => {
    expect(() => assertRunnableLocally(pollLoop())).not.toThrow();
    expect(() => assertRunnableLocally(pollLoop({}, { QueryLanguage: 'JSONPath' }))).not.toThrow();
    expect(() =>
      assertRunnableLocally(pollLoop({ Poll: { Resource: FUNCTION_ARN, Parameters: undefined, OutputPath: undefined } })),
    ).not.toThrow();
    expect(() => assertRunnableLocally(pollLoop({ Poll: { Resource: START_EXECUTION, ResultPath: null } }))).not.toThrow();
    expect(() =>
      assertRunnableLocally(
        pollLoop({ Poll: { Parameters: { 'retries.$': '$$.State.RetryCount', 'redrives.$': '$$.Execution.RedriveCount' } } }),
      ),
    ).not.toThrow();
  });

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ['QueryLanguage JSONata on the definition', pollLoop({}, { QueryLanguage: 'JSONata' }), /QueryLanguage "JSONata"/],
    [
      'QueryLanguage JSONata on a state',
      pollLoop({ IsTerminal: { QueryLanguage: 'JSONata' } }),
      /state "IsTerminal" uses QueryLanguage "JSONata"/,
    ],
    ['ResultPath "$" on a state', pollLoop({ Poll: { ResultPath: '$' } }), /state "Poll" has ResultPath "\$"/],
    [
      'ResultPath "$" in a Catch',
      pollLoop({ Poll: { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'Failed' }] } }),
      /state "Poll" has a Catch with ResultPath "\$"/,
    ],
    [
      'an unsupported integration',
      pollLoop({ Poll: { Resource: 'arn:aws:states:::dynamodb:putItem' } }),
      /state "Poll" calls arn:aws:states:::dynamodb:putItem/,
    ],
    [
      'a callback task',
      pollLoop({ Poll: { Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken' } }),
      /calls arn:aws:states:::lambda:invoke.waitForTaskToken/,
    ],
    [
      'a .sync StartExecution',
      pollLoop({ Poll: { Resource: 'arn:aws:states:::states:startExecution.sync:2' } }),
      /states:startExecution.sync:2/,
    ],
    ['a JSONata "Arguments" field', pollLoop({ Poll: { Arguments: { FunctionName: FUNCTION_ARN } } }), /state "Poll" uses "Arguments"/],
    ['variables ("Assign")', pollLoop({ IsTerminal: { Assign: { x: 1 } } }), /state "IsTerminal" uses "Assign"/],
    ['heartbeats', pollLoop({ Poll: { HeartbeatSeconds: 60 } }), /uses "HeartbeatSeconds"/],
    [
      'a context path the runtime does not provide ($$.State.Name)',
      pollLoop({ Poll: { Parameters: { 'name.$': '$$.State.Name' } } }),
      /state "Poll" reads \$\$\.State\.Name/,
    ],
    ['a task token', pollLoop({ Poll: { Parameters: { 'token.$': '$$.Task.Token' } } }), /reads \$\$\.Task/],
    [
      'a context path inside an intrinsic',
      pollLoop({ Poll: { Parameters: { 'at.$': "States.Format('{}', $$.State.EnteredTime)" } } }),
      /reads \$\$\.State\.EnteredTime/,
    ],
    [
      'an unsupported state inside a Parallel branch',
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            End: true,
            Branches: [{ StartAt: 'Inner', States: { Inner: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } } }],
          },
        },
      },
      /state "Inner" calls arn:aws:states:::sns:publish/,
    ],
  ];

  it.each(refused)('refuses %s, naming the state and the construct', (_what, definition, message) => {
    expect(() => assertRunnableLocally(definition)).toThrow(UnsupportedDefinitionError);
    expect(() => assertRunnableLocally(definition)).toThrow(message);
  });
});

describe('walkStates', () => {
  it('visits nested Parallel branches and Map processors', () => {
    const names: string[] = [];
    walkStates(
      {
        States: {
          A: { Type: 'Parallel', Branches: [{ States: { B: { Type: 'Pass' } } }, { States: { C: { Type: 'Pass' } } }] },
          D: { Type: 'Map', ItemProcessor: { States: { E: { Type: 'Pass' } } } },
          F: { Type: 'Map', Iterator: { States: { G: { Type: 'Pass' } } } },
        },
      },
      (name) => names.push(name),
    );
    expect(names).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
  });
});

describe('waitMillisecondsOf', () => {
  const NOW = Date.parse('2026-01-05T00:00:00.000Z');

  it.each([
    ['Seconds', { Seconds: 45 }, {}, 45_000],
    ['Seconds 0', { Seconds: 0 }, {}, 0],
    ['SecondsPath', { SecondsPath: '$.waitSeconds' }, { waitSeconds: 30 }, 30_000],
    ['SecondsPath into nested objects and arrays', { SecondsPath: '$.a.b[1]' }, { a: { b: [5, 7] } }, 7_000],
    ['Timestamp in the future', { Timestamp: '2026-01-05T00:10:00Z' }, {}, 600_000],
    ['Timestamp in the past', { Timestamp: '2025-12-31T00:00:00Z' }, {}, 0],
    ['TimestampPath', { TimestampPath: '$.until' }, { until: '2026-01-05T01:00:00.000Z' }, 3_600_000],
  ])('%s', (_what, state, input, expected) => {
    expect(waitMillisecondsOf(state, input, NOW)).toBe(expected);
  });

  it.each([
    ['SecondsPath to a string', { SecondsPath: '$.w' }, { w: '30' }],
    ['SecondsPath to a negative number', { SecondsPath: '$.w' }, { w: -1 }],
    ['SecondsPath to a fraction', { SecondsPath: '$.w' }, { w: 1.5 }],
    ['SecondsPath to nothing', { SecondsPath: '$.w' }, {}],
    ['TimestampPath to a non-timestamp', { TimestampPath: '$.t' }, { t: 'tomorrow' }],
    ['Timestamp that is not one', { Timestamp: 'not a time' }, {}],
    ['no wait field at all', {}, {}],
  ])('fails the state with States.Runtime for %s', (_what, state, input) => {
    let caught: unknown;
    try {
      waitMillisecondsOf(state, input, NOW);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe('States.Runtime');
  });
});

describe('readReferencePath', () => {
  const input = { a: { b: [{ c: 1 }, { c: 2 }], 'd-e': 'x' }, n: null };
  it.each([
    ['$', input],
    ['$.a.b[1].c', 2],
    ['$.a.d-e', 'x'],
    ['$.a.b[5]', undefined],
    ['$.n.x', undefined],
    ['$.missing.deeper', undefined],
  ])('%s', (path, expected) => {
    expect(readReferencePath(input, path)).toEqual(expected);
  });
});

describe('countEvent', () => {
  const types = new Map([
    ['Poll', 'Task'],
    ['IsTerminal', 'Choice'],
    ['Wait', 'Wait'],
    ['Done', 'Succeed'],
    ['Failed', 'Fail'],
  ]);
  const event = (type: string, state?: string): InterpreterEvent => (state === undefined ? { type } : { type, state: { name: state } });

  // [event, state, history events added, state transitions added]
  it.each([
    ['ExecutionStarted', '(the execution)', 1, 0],
    ['ExecutionSucceeded', '(the execution)', 1, 0],
    ['ExecutionFailed', '(the execution)', 1, 0],
    ['ExecutionAborted', '(the execution)', 1, 0],
    ['ExecutionTimeout', '(the execution)', 1, 0],
    ['StateEntered', 'Poll', 4, 1],
    ['StateEntered', 'IsTerminal', 1, 1],
    ['StateEntered', 'Wait', 1, 1],
    ['StateEntered', 'Failed', 1, 1],
    ['StateRetried', 'Poll', 3, 1],
    ['StateExited', 'Poll', 1, 0],
    ['StateExited', 'Wait', 1, 0],
    ['StateFailed', 'Poll', 0, 0],
    ['StateCaught', 'Poll', 0, 0],
    ['SomethingElse', 'Poll', 0, 0],
  ])('%s of %s adds %i history event(s) and %i transition(s)', (type, state, history, transitions) => {
    const counts: ExecutionCounts = { historyEvents: 10, stateTransitions: 5 };
    countEvent(counts, event(type, state.startsWith('(') ? undefined : state), types);
    expect(counts).toEqual({ historyEvents: 10 + history, stateTransitions: 5 + transitions });
  });

  it('counts one quiet poll as 9 history events and 3 transitions, as the contract budgets', () => {
    const counts: ExecutionCounts = { historyEvents: 0, stateTransitions: 0 };
    for (const [type, state] of [
      ['StateEntered', 'Poll'],
      ['StateExited', 'Poll'],
      ['StateEntered', 'IsTerminal'],
      ['StateExited', 'IsTerminal'],
      ['StateEntered', 'Wait'],
      ['StateExited', 'Wait'],
    ]) {
      countEvent(counts, event(type, state), types);
    }
    expect(counts).toEqual({ historyEvents: 9, stateTransitions: 3 });
  });
});
