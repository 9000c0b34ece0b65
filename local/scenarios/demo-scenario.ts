import { type Scenario, validateScenario } from './scenario';

/**
 * The scenario `npm start` runs without arguments: a nightly job that completes, a job that fails
 * (the FAILED alert goes to SNS), and a mistyped id (polling fails with NOT_FOUND and alerts), with
 * two transient Amazon ML errors the state machine retries through.
 */
export const DEMO_SCENARIO: Scenario = validateScenario(
  {
    batchPredictions: [
      {
        id: 'bp-nightly-scores',
        timeline: [
          { at: 0, status: 'PENDING' },
          { at: 600, status: 'INPROGRESS' },
          { at: 7200, status: 'COMPLETED', totalRecordCount: 120000, invalidRecordCount: 3 },
        ],
      },
      {
        id: 'bp-churn-weekly',
        timeline: [
          { at: 0, status: 'PENDING' },
          { at: 300, status: 'INPROGRESS' },
          { at: 2700, status: 'FAILED', message: 'Input data location s3://ml-input/churn/ is not accessible' },
        ],
      },
      { id: 'bp-nightly-scroes', missing: true },
    ],
    faults: [{ operation: 'GetBatchPrediction', id: 'bp-nightly-scores', error: 'InternalServerException', times: 2 }],
  },
  'built-in demo',
);
