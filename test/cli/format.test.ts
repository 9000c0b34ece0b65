/** The CLI's pure formatting: durations, the history view and the latest-status reduction. */
import { historyViewOf, latestPerBatchPrediction } from '../../cli/commands';
import { formatDuration, table, transitionLabel } from '../../cli/format';
import { CHURN, CHURN_RUN_1, CHURN_RUN_2, SCORES, TABLE, record } from './support';

describe('formatDuration', () => {
  const S = 1000;
  test.each([
    [0, '0s'],
    [999, '0s'],
    [1 * S, '1s'],
    [45 * S, '45s'],
    [59 * S + 999, '59s'],
    [60 * S, '1m'],
    [61 * S, '1m 1s'],
    [625 * S, '10m 25s'],
    [3599 * S, '59m 59s'],
    [3600 * S, '1h'],
    [3605 * S, '1h'],
    [3659 * S, '1h'],
    [3900 * S, '1h 5m'],
    [86_399 * S, '23h 59m'],
    [86_400 * S, '1d'],
    [86_400 * S + 59 * 60 * S, '1d'],
    [2 * 86_400 * S + 3 * 3600 * S + 59 * S, '2d 3h'],
    [8 * 86_400 * S, '8d'],
    [-1, '—'],
    [Number.NaN, '—'],
    [Number.POSITIVE_INFINITY, '—'],
  ])('%d ms → %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

test('transitionLabel shows a dash for a run’s first observation', () => {
  expect(transitionLabel(null, 'PENDING')).toBe('— → PENDING');
  expect(transitionLabel('PENDING', 'INPROGRESS')).toBe('PENDING → INPROGRESS');
});

test('table pads every column but the last', () => {
  expect(
    table(
      [
        ['A', 'BB', 'C'],
        ['AAA', 'B', 'CCC'],
      ],
      '  ',
    ),
  ).toEqual(['  A    BB  C', '  AAA  B   CCC']);
});

describe('historyViewOf', () => {
  test('computes the time spent in the previous status within a run', () => {
    const view = historyViewOf('bp-scores', TABLE, SCORES);
    expect(view.runs).toHaveLength(1);
    expect(view.runs[0].transitions.map((t) => t.secondsInPreviousStatus)).toEqual([null, 625, 3000]);
    expect(view.latest).toEqual({ status: 'COMPLETED', observedAt: '2024-05-01T11:00:30.000Z', terminal: true });
  });

  test('groups by run, never measures across runs, and sorts by transition key', () => {
    const view = historyViewOf('bp-churn', TABLE, [...CHURN].reverse());
    expect(view.runs.map((r) => r.runId)).toEqual([CHURN_RUN_1, CHURN_RUN_2]);
    expect(view.runs[1].transitions.map((t) => [t.sequence, t.secondsInPreviousStatus, t.published])).toEqual([
      [1, null, true],
      [2, 45, false],
    ]);
    expect(view.latest.terminal).toBe(false);
  });
});

describe('latestPerBatchPrediction', () => {
  test('keeps the item with the greatest transition key per id, sorted by id', () => {
    const latest = latestPerBatchPrediction([...CHURN, ...SCORES].reverse());
    expect(latest.map((i) => [i.batchPredictionId, i.status, i.runId])).toEqual([
      ['bp-churn', 'INPROGRESS', CHURN_RUN_2],
      ['bp-scores', 'COMPLETED', SCORES[0].runId],
    ]);
  });

  test('compares keys as DynamoDB does, so sequence 10 comes after sequence 9', () => {
    const run = '2024-05-01T00:00:00.000Z/x';
    const latest = latestPerBatchPrediction([record('x', run, 10, 'PENDING', 'FAILED', 'b'), record('x', run, 9, null, 'PENDING', 'a')]);
    expect(latest.map((i) => i.sequence)).toEqual([10]);
  });
});
