/**
 * The Amazon ML stand-in with the starter's real lister adapter: `DescribeBatchPredictions` pages
 * of at most 100 (`Limit`), followed with the stand-in's opaque `NextToken`, list every match once.
 */
import { MachineLearningClient } from '@aws-sdk/client-machine-learning';
import { MachineLearningBatchPredictionLister } from '../../lambda/shared/adapters/machine-learning-batch-prediction-lister';
import { FaultPlan } from '../../local/scenarios/faults';
import { MachineLearningStandIn } from '../../local/stand-ins/machine-learning/machine-learning-stand-in';
import { validateScenario } from '../../local/scenarios/scenario';
import { VirtualClock } from '../../local/core/virtual-clock';

it('the lister adapter follows every page: 230 PENDING batch predictions in three calls, none of the others', async () => {
  const pendingIds = Array.from({ length: 230 }, (_, i) => `bp-${String(i).padStart(3, '0')}`);
  const scenario = validateScenario({
    batchPredictions: [
      ...pendingIds.map((id) => ({ id, starts: 0, timeline: [{ at: 0, status: 'PENDING' }] })),
      { id: 'bp-done', starts: 0, timeline: [{ at: 0, status: 'COMPLETED' }] },
      { id: 'bp-running', starts: 0, timeline: [{ at: 0, status: 'INPROGRESS' }] },
    ],
  });
  const standIn = new MachineLearningStandIn(
    scenario.batchPredictions,
    new VirtualClock(Date.parse('2026-01-05T00:00:00Z')),
    new FaultPlan([]),
    '123456789012',
  );
  const endpoint = await standIn.start();
  const client = new MachineLearningClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    const lister = new MachineLearningBatchPredictionLister({ client });
    expect(await lister.listIds('PENDING')).toEqual(pendingIds);
    expect(standIn.calls.filter((c) => c.operation === 'DescribeBatchPredictions')).toHaveLength(3);
    expect(await lister.listIds('INPROGRESS')).toEqual(['bp-running']);
  } finally {
    client.destroy();
    await standIn.stop();
  }
});
