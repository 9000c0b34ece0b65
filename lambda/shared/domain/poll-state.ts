import { BATCH_PREDICTION_ID_PATTERN, isBatchPredictionStatus } from '../../../lib/contract/events';
import { POLL_STATE_INPUT_KEYS, type PollStateInput } from '../../../lib/contract/loop-state';
import { InvalidBatchPredictionInputError, RunInputNotAnObjectError } from './errors';

/**
 * Checks a run's input before anything is called: the id must be 1–64 characters of
 * `[a-zA-Z0-9_.-]` (Amazon ML's own rule) and no unknown key may be present, so that a typo such as
 * `batchPredictionID` fails fast instead of polling nothing for a week.
 *
 * @throws RunInputNotAnObjectError when the input is not a JSON object at all
 * @throws InvalidBatchPredictionInputError naming the bad key or value and the fix
 */
export function parsePollStateInput(input: unknown): PollStateInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new RunInputNotAnObjectError(
      `The run's input must be a JSON object like {"batchPredictionId": "bp-123"}, got ${describe(input)}`,
    );
  }
  const record = input as Record<string, unknown>;
  const unknownKeys = Object.keys(record).filter((key) => !POLL_STATE_INPUT_KEYS.includes(key));
  if (unknownKeys.length > 0) {
    throw new InvalidBatchPredictionInputError(
      `The run's input has unknown key(s) ${unknownKeys.map((k) => JSON.stringify(k)).join(', ')}; start a run with {"batchPredictionId": "..."} only`,
    );
  }
  const id = record.batchPredictionId;
  validateBatchPredictionId(id);
  if (record.lastStatus !== undefined && record.lastStatus !== null && !isBatchPredictionStatus(record.lastStatus)) {
    throw new InvalidBatchPredictionInputError(
      `"lastStatus" must be a batch prediction status or null, got ${describe(record.lastStatus)}`,
    );
  }
  for (const [key, min] of [
    ['sequence', 0],
    ['generation', 1],
    ['polls', 0],
  ] as const) {
    const value = record[key];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min)) {
      throw new InvalidBatchPredictionInputError(`"${key}" must be a whole number ≥ ${min}, got ${describe(value)}`);
    }
  }
  if (record.runId !== undefined && typeof record.runId !== 'string') {
    throw new InvalidBatchPredictionInputError(`"runId" must be a string, got ${describe(record.runId)}`);
  }
  // Times feed the deadline and the poll interval; a non-date would silently disable both.
  for (const key of ['runStartedAt', 'lastTransitionAt'] as const) {
    const value = record[key];
    if (value !== undefined && value !== null && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
      throw new InvalidBatchPredictionInputError(
        `"${key}" must be an ISO-8601 time such as "2026-01-05T00:00:00.000Z", got ${describe(value)}`,
      );
    }
  }
  return record as unknown as PollStateInput;
}

/**
 * @throws InvalidBatchPredictionInputError when `id` is not an Amazon ML batch prediction id
 */
export function validateBatchPredictionId(id: unknown): asserts id is string {
  if (id === undefined) {
    throw new InvalidBatchPredictionInputError(
      'The run\'s input has no "batchPredictionId"; start a run with {"batchPredictionId": "..."}',
    );
  }
  if (typeof id !== 'string') {
    throw new InvalidBatchPredictionInputError(`"batchPredictionId" must be a string, got ${describe(id)}`);
  }
  if (!BATCH_PREDICTION_ID_PATTERN.test(id)) {
    throw new InvalidBatchPredictionInputError(
      `"batchPredictionId" ${JSON.stringify(truncate(id))} is not an Amazon ML id: use 1 to 64 characters of letters, digits, "_", "." and "-" (got ${id.length} characters)`,
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(truncate(value))}`;
  return `${typeof value} ${truncate(JSON.stringify(value) ?? String(value))}`;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
