/**
 * Scenario files: a valid one parses with its defaults; every kind of mistake is a ScenarioError
 * whose one-line message names the file, the path inside it and the problem.
 */
import { ScenarioError, parseScenario, validateScenario } from '../../local/scenarios/scenario';

const SOURCE = 'my-scenario.json';
const TIMELINE = [{ at: 0, status: 'PENDING' }];
const bp = (extra: Record<string, unknown> = {}) => ({ id: 'bp-a', timeline: TIMELINE, ...extra });
const withFault = (fault: Record<string, unknown>) => ({ batchPredictions: [bp()], faults: [fault] });

describe('parseScenario', () => {
  it('parses a valid scenario and fills in the defaults', () => {
    const scenario = parseScenario(
      JSON.stringify({
        batchPredictions: [
          {
            id: 'bp-a',
            timeline: [
              { at: 0, status: 'PENDING' },
              { at: 60, status: 'COMPLETED', totalRecordCount: 10, finishedAt: '2026-01-05T00:01:00Z' },
            ],
          },
          { id: 'bp-b', missing: true, starts: 3 },
        ],
        faults: [{ operation: 'PutEvents', failedEntries: 1, times: 2 }],
      }),
      SOURCE,
    );
    expect(scenario.batchPredictions).toEqual([
      {
        id: 'bp-a',
        starts: 1,
        missing: false,
        cloudTrail: false,
        timeline: [
          { at: 0, status: 'PENDING', fields: {} },
          { at: 60, status: 'COMPLETED', fields: { totalRecordCount: 10, finishedAt: '2026-01-05T00:01:00Z' } },
        ],
      },
      { id: 'bp-b', starts: 3, missing: true, cloudTrail: false, timeline: [] },
    ]);
    expect(scenario.faults).toHaveLength(1);
    expect(scenario.faults[0]).toMatchObject({ operation: 'PutEvents', failedEntries: 1, times: 2 });
  });

  it('accepts cloudTrailFailedCall as an error code and refuses anything else, naming the key', () => {
    expect(
      validateScenario({ batchPredictions: [bp({ starts: 0, cloudTrailFailedCall: 'ValidationException' })] }).batchPredictions[0]
        .cloudTrailFailedCall,
    ).toBe('ValidationException');
    expect(validateScenario({ batchPredictions: [bp({})] }).batchPredictions[0].cloudTrailFailedCall).toBeUndefined();
    expect(() => validateScenario({ batchPredictions: [bp({ cloudTrailFailedCall: true })] })).toThrow(
      /batchPredictions\[0\]\.cloudTrailFailedCall: must be the error code of the failed call such as "ValidationException", got true/,
    );
    expect(() => validateScenario({ batchPredictions: [bp({ cloudTrailFailed: 'X' })] })).toThrow(
      /batchPredictions\[0\]\.cloudTrailFailed: unknown key; allowed: .*cloudTrailFailedCall/,
    );
  });

  it('accepts cloudTrail: true and refuses a non-boolean', () => {
    expect(validateScenario({ batchPredictions: [bp({ starts: 0, cloudTrail: true })] }).batchPredictions[0].cloudTrail).toBe(true);
    expect(() => validateScenario({ batchPredictions: [bp({ cloudTrail: 'yes' })] })).toThrow(
      /batchPredictions\[0\]\.cloudTrail: must be true or false/,
    );
  });

  it('gives a scenario without faults an empty fault list, and accepts starts: 0', () => {
    const scenario = validateScenario({ batchPredictions: [bp({ starts: 0 })] });
    expect(scenario.faults).toEqual([]);
    expect(scenario.batchPredictions[0].starts).toBe(0);
  });

  // [what is wrong, file text, path the message must name, words of the problem]
  const invalid: Array<[string, string, string, RegExp]> = [
    ['not JSON', '{"batchPredictions": [', 'my-scenario.json is not valid JSON', /JSON/],
    ['top level is an array', '[]', 'top level', /must be an object/],
    ['top level is null', 'null', 'top level', /must be an object/],
    [
      'unknown top-level key',
      JSON.stringify({ batchPredictions: [bp()], extra: 1 }),
      '"extra"',
      /unknown key; allowed: batchPredictions, faults/,
    ],
    ['no batchPredictions', JSON.stringify({}), 'batchPredictions', /non-empty array/],
    ['empty batchPredictions', JSON.stringify({ batchPredictions: [] }), 'batchPredictions', /non-empty array/],
    ['batch prediction not an object', JSON.stringify({ batchPredictions: ['bp-a'] }), 'batchPredictions[0]', /must be an object/],
    ['unknown batch prediction key', JSON.stringify({ batchPredictions: [bp({ Id: 'x' })] }), 'batchPredictions[0].Id', /unknown key/],
    [
      'id not a string',
      JSON.stringify({ batchPredictions: [{ id: 7, timeline: TIMELINE }] }),
      'batchPredictions[0].id',
      /must be a string/,
    ],
    ['id given twice', JSON.stringify({ batchPredictions: [bp(), bp()] }), 'batchPredictions[1].id', /"bp-a" appears twice/],
    [
      'starts negative',
      JSON.stringify({ batchPredictions: [bp({ starts: -1 })] }),
      'batchPredictions[0].starts',
      /whole number from 0 to 100, got -1/,
    ],
    ['starts fractional', JSON.stringify({ batchPredictions: [bp({ starts: 1.5 })] }), 'batchPredictions[0].starts', /got 1.5/],
    ['starts too many', JSON.stringify({ batchPredictions: [bp({ starts: 101 })] }), 'batchPredictions[0].starts', /got 101/],
    [
      'missing not boolean',
      JSON.stringify({ batchPredictions: [{ id: 'bp-a', missing: 'yes' }] }),
      'batchPredictions[0].missing',
      /true or false/,
    ],
    [
      'missing with a timeline',
      JSON.stringify({ batchPredictions: [bp({ missing: true })] }),
      'batchPredictions[0]',
      /"missing": true and "timeline" exclude each other/,
    ],
    ['no timeline', JSON.stringify({ batchPredictions: [{ id: 'bp-a' }] }), 'batchPredictions[0].timeline', /non-empty array/],
    ['empty timeline', JSON.stringify({ batchPredictions: [bp({ timeline: [] })] }), 'batchPredictions[0].timeline', /non-empty array/],
    [
      'timeline entry not an object',
      JSON.stringify({ batchPredictions: [bp({ timeline: ['PENDING'] })] }),
      'batchPredictions[0].timeline[0]',
      /"at" and "status"/,
    ],
    [
      'at missing',
      JSON.stringify({ batchPredictions: [bp({ timeline: [{ status: 'PENDING' }] })] }),
      'batchPredictions[0].timeline[0].at',
      /seconds ≥ 0, got undefined/,
    ],
    [
      'at negative',
      JSON.stringify({ batchPredictions: [bp({ timeline: [{ at: -5, status: 'PENDING' }] })] }),
      'batchPredictions[0].timeline[0].at',
      /got -5/,
    ],
    [
      'at a string',
      JSON.stringify({ batchPredictions: [bp({ timeline: [{ at: '0', status: 'PENDING' }] })] }),
      'batchPredictions[0].timeline[0].at',
      /got "0"/,
    ],
    [
      'at going backwards',
      JSON.stringify({
        batchPredictions: [
          bp({
            timeline: [
              { at: 600, status: 'PENDING' },
              { at: 100, status: 'COMPLETED' },
            ],
          }),
        ],
      }),
      'batchPredictions[0].timeline[1].at',
      /later than the entry before \(600\)/,
    ],
    [
      'at repeated',
      JSON.stringify({
        batchPredictions: [
          bp(),
          {
            id: 'bp-b',
            timeline: [
              { at: 0, status: 'PENDING' },
              { at: 0, status: 'COMPLETED' },
            ],
          },
        ],
      }),
      'batchPredictions[1].timeline[1].at',
      /later than the entry before \(0\)/,
    ],
    [
      'status empty',
      JSON.stringify({ batchPredictions: [bp({ timeline: [{ at: 0, status: '' }] })] }),
      'batchPredictions[0].timeline[0].status',
      /"PENDING"/,
    ],
    [
      'unknown timeline field',
      JSON.stringify({ batchPredictions: [bp({ timeline: [{ at: 0, status: 'PENDING', records: 5 }] })] }),
      'batchPredictions[0].timeline[0].records',
      /unknown field; allowed: at, status, mlModelId/,
    ],
    ['faults not an array', JSON.stringify({ batchPredictions: [bp()], faults: {} }), 'faults', /must be an array/],
    ['fault not an object', JSON.stringify({ batchPredictions: [bp()], faults: ['PutEvents'] }), 'faults[0]', /must be an object/],
    [
      'unknown fault key',
      JSON.stringify(withFault({ operation: 'PutEvents', error: 'InternalFailure', times: 1, bogus: 1 })),
      'faults[0].bogus',
      /unknown key/,
    ],
    [
      'fault operation lower-case',
      JSON.stringify(withFault({ operation: 'putEvents', error: 'InternalFailure', times: 1 })),
      'faults[0].operation',
      /API operation name/,
    ],
    [
      'fault id not a string',
      JSON.stringify(withFault({ operation: 'GetBatchPrediction', id: 3, error: 'InternalServerException', times: 1 })),
      'faults[0].id',
      /must be a string/,
    ],
    [
      'fault times 0',
      JSON.stringify(withFault({ operation: 'GetBatchPrediction', error: 'InternalServerException', times: 0 })),
      'faults[0].times',
      /≥ 1, got 0/,
    ],
    [
      'fault times missing',
      JSON.stringify(withFault({ operation: 'GetBatchPrediction', error: 'InternalServerException' })),
      'faults[0].times',
      /got undefined/,
    ],
    ['fault without error', JSON.stringify(withFault({ operation: 'GetBatchPrediction', times: 1 })), 'faults[0].error', /AWS error code/],
    [
      'fault error with spaces',
      JSON.stringify(withFault({ operation: 'GetBatchPrediction', error: 'Internal error', times: 1 })),
      'faults[0].error',
      /AWS error code/,
    ],
    [
      'failedEntries on another operation',
      JSON.stringify(withFault({ operation: 'GetBatchPrediction', failedEntries: 1, times: 1 })),
      'faults[0].failedEntries',
      /only applies to PutEvents/,
    ],
    [
      'failedEntries of 0',
      JSON.stringify(withFault({ operation: 'PutEvents', failedEntries: 0, times: 1 })),
      'faults[0].failedEntries',
      /whole number ≥ 1/,
    ],
    [
      'failedEntries and error',
      JSON.stringify(withFault({ operation: 'PutEvents', failedEntries: 1, error: 'InternalFailure', times: 1 })),
      'faults[0]',
      /"error" and "failedEntries" exclude each other/,
    ],
  ];

  it.each(invalid)('rejects %s, naming where', (_what, text, where, problem) => {
    let caught: unknown;
    try {
      parseScenario(text, SOURCE);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    const message = (caught as ScenarioError).message;
    expect((caught as ScenarioError).name).toBe('ScenarioError');
    expect(message.startsWith(`${SOURCE}`)).toBe(true);
    expect(message).toContain(where);
    expect(message).toMatch(problem);
    // One line: the CLI prints it after "error: " and nothing else.
    expect(message).not.toMatch(/[\r\n]/);
  });

  it('names the source it is given, "scenario" by default', () => {
    expect(() => validateScenario({})).toThrow(/^scenario: batchPredictions: /);
    expect(() => validateScenario({}, 'built-in demo')).toThrow(/^built-in demo: batchPredictions: /);
  });
});
