import * as identifiers from '../../lambda/shared/domain/identifiers';
import * as restarts from '../../lambda/shared/domain/restarts';
import * as runs from '../../lib/contract/runs';
import { type ExecutionDescription, findLatestRun } from '../../lib/contract/runs';

// The naming rule and the restart statuses live in the contract so that the operator CLI shares
// them without importing the Lambda. The rules themselves are tested where the Lambda's tests
// always tested them (test/domain/identifiers.test.ts, restarts.test.ts, the run starter's
// latestRun); this pins that each has one import path: the Lambda's domain does not re-export them.
describe('the execution-naming contract', () => {
  it.each([
    ['executionNameFor', identifiers, runs.executionNameFor],
    ['parseExecutionName', identifiers, runs.parseExecutionName],
    ['batchPredictionIdOfExecutionName', identifiers, runs.batchPredictionIdOfExecutionName],
    ['MAX_RESTART_NUMBER', identifiers, runs.MAX_RESTART_NUMBER],
    ['RESTARTABLE_EXECUTION_STATUSES', restarts, runs.RESTARTABLE_EXECUTION_STATUSES],
    ['AUTOMATIC_RESTART_STATUSES', restarts, runs.AUTOMATIC_RESTART_STATUSES],
  ])('%s is imported from lib/contract/runs.ts only', (name, lambdaModule, contractExport) => {
    expect(contractExport).toBeDefined();
    expect(lambdaModule).not.toHaveProperty(name);
  });
});

describe('findLatestRun', () => {
  const at = (iso: string) => new Date(iso);

  it('follows restarts, then the latest run’s hand-overs while they SUCCEEDED, asking for each name in that order', async () => {
    const executions: Record<string, ExecutionDescription> = {
      'bp-1': { status: 'FAILED' },
      'bp-1+r1': { status: 'SUCCEEDED' },
      'bp-1+r1+g2': { status: 'RUNNING', startDate: at('2024-05-01T10:00:00Z') },
    };
    const asked: string[] = [];
    const latest = await findLatestRun('bp-1', async (name) => {
      asked.push(name);
      return executions[name];
    });
    expect(latest).toEqual({ restart: 1, executionName: 'bp-1+r1+g2', status: 'RUNNING', startedAt: '2024-05-01T10:00:00.000Z' });
    // +r2 does not exist, so restart 1 is the latest run; its +g2 is RUNNING, so +g3 is not asked.
    expect(asked).toEqual(['bp-1', 'bp-1+r1', 'bp-1+r2', 'bp-1+r1+g2']);
  });

  it('passes a failure of describe through unchanged, so each caller words it its own way', async () => {
    const failure = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    await expect(
      findLatestRun('bp-1', async (name) => {
        if (name === 'bp-1') return { status: 'FAILED' };
        throw failure;
      }),
    ).rejects.toBe(failure);
  });
});
