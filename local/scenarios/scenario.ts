import { SNAPSHOT_FIELD_NAMES } from '../../lib/contract/snapshot-fields';
import type { FaultSpec } from './faults';

/** A scenario file is wrong; the message is one line naming where and what. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

/** One point of a batch prediction's simulated life. */
export interface TimelineEntry {
  /** Seconds of simulated time from the scenario's start. */
  readonly at: number;
  readonly status: string;
  /** Other `GetBatchPrediction` fields in camelCase, kept from this point on. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** One batch prediction of a scenario. */
export interface BatchPredictionScenario {
  readonly id: string;
  /** How many StartExecution calls are made for it at time 0. */
  readonly starts: number;
  /** Amazon ML answers ResourceNotFoundException for it. */
  readonly missing: boolean;
  /**
   * CloudTrail reports its `CreateBatchPrediction` on the default bus when its timeline begins, so
   * the discovery rule starts a run (as when the account has a trail). Default false: then only
   * `starts` and the sweeper start runs.
   */
  readonly cloudTrail: boolean;
  /**
   * CloudTrail reports a `CreateBatchPrediction` call for this id that failed with this error code
   * (a record carrying `errorCode`, as CloudTrail writes for failed calls) at time 0. Such a call
   * created nothing, so the discovery rule must not start a run for it. Default: none.
   */
  readonly cloudTrailFailedCall?: string;
  readonly timeline: readonly TimelineEntry[];
}

/** A parsed, validated scenario. */
export interface Scenario {
  readonly batchPredictions: readonly BatchPredictionScenario[];
  readonly faults: readonly FaultSpec[];
}

/** camelCase `GetBatchPrediction` fields a timeline entry may set (besides `at` and `status`). */
export const TIMELINE_FIELDS: readonly string[] = SNAPSHOT_FIELD_NAMES.filter(
  (field) => field !== 'batchPredictionId' && field !== 'status',
);

const BATCH_PREDICTION_KEYS = ['id', 'starts', 'missing', 'cloudTrail', 'cloudTrailFailedCall', 'timeline'];

const FAULT_KEYS = ['operation', 'id', 'error', 'failedEntries', 'after', 'skip', 'state', 'function', 'times'];

/** Operations whose faults may strike after the operation took effect (`"after": true`; for `Invoke`, after the function ran). */
const AFTER_OPERATIONS = new Set([
  'Invoke',
  'PutEvents',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'GetItem',
  'Query',
  'Scan',
  'BatchWriteItem',
  'BatchGetItem',
  'TransactWriteItems',
  'TransactGetItems',
]);

/**
 * Parses a scenario file's text.
 * @param source the file name, for messages
 * @throws ScenarioError with a one-line message naming the path in the file and the problem
 */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  return validateScenario(raw, source);
}

/** Validates an already parsed scenario. @throws ScenarioError */
export function validateScenario(raw: unknown, source = 'scenario'): Scenario {
  const fail = (where: string, problem: string): never => {
    throw new ScenarioError(`${source}: ${where}: ${problem}`);
  };
  if (!isObject(raw)) fail('top level', 'must be an object with "batchPredictions"');
  const top = raw as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (key !== 'batchPredictions' && key !== 'faults') fail(`"${key}"`, 'unknown key; allowed: batchPredictions, faults');
  }
  if (!Array.isArray(top.batchPredictions) || top.batchPredictions.length === 0) {
    fail('batchPredictions', 'must be a non-empty array');
  }
  const seen = new Set<string>();
  const batchPredictions = (top.batchPredictions as unknown[]).map((item, i) => {
    const where = `batchPredictions[${i}]`;
    if (!isObject(item)) fail(where, 'must be an object');
    const bp = item as Record<string, unknown>;
    for (const key of Object.keys(bp)) {
      if (!BATCH_PREDICTION_KEYS.includes(key)) fail(`${where}.${key}`, `unknown key; allowed: ${BATCH_PREDICTION_KEYS.join(', ')}`);
    }
    if (typeof bp.id !== 'string') fail(`${where}.id`, 'must be a string');
    const id = bp.id as string;
    if (seen.has(id)) fail(`${where}.id`, `"${id}" appears twice; give each batch prediction once and use "starts" for repeated starts`);
    seen.add(id);
    const starts = bp.starts === undefined ? 1 : bp.starts;
    if (!(Number.isInteger(starts) && (starts as number) >= 0 && (starts as number) <= 100))
      fail(`${where}.starts`, `must be a whole number from 0 to 100, got ${JSON.stringify(bp.starts)}`);
    const missing = bp.missing === undefined ? false : bp.missing;
    if (typeof missing !== 'boolean') fail(`${where}.missing`, 'must be true or false');
    if (missing && bp.timeline !== undefined) fail(where, '"missing": true and "timeline" exclude each other');
    const cloudTrail = bp.cloudTrail === undefined ? false : bp.cloudTrail;
    if (typeof cloudTrail !== 'boolean') fail(`${where}.cloudTrail`, 'must be true or false');
    const failedCall = bp.cloudTrailFailedCall;
    if (failedCall !== undefined && (typeof failedCall !== 'string' || !/^[A-Za-z.]+$/.test(failedCall))) {
      fail(
        `${where}.cloudTrailFailedCall`,
        `must be the error code of the failed call such as "ValidationException", got ${JSON.stringify(failedCall)}`,
      );
    }
    if (!missing && (!Array.isArray(bp.timeline) || bp.timeline.length === 0))
      fail(`${where}.timeline`, 'must be a non-empty array (or set "missing": true)');
    let previousAt = -1;
    const timeline = ((bp.timeline as unknown[] | undefined) ?? []).map((entry, j) => {
      const at = `${where}.timeline[${j}]`;
      if (!isObject(entry)) fail(at, 'must be an object with "at" and "status"');
      const e = entry as Record<string, unknown>;
      if (typeof e.at !== 'number' || !Number.isFinite(e.at) || e.at < 0)
        fail(`${at}.at`, `must be a number of seconds ≥ 0, got ${JSON.stringify(e.at)}`);
      if ((e.at as number) <= previousAt) fail(`${at}.at`, `must be later than the entry before (${previousAt})`);
      previousAt = e.at as number;
      if (typeof e.status !== 'string' || e.status === '') fail(`${at}.status`, 'must be a status such as "PENDING"');
      const fields: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(e)) {
        if (key === 'at' || key === 'status') continue;
        if (!TIMELINE_FIELDS.includes(key)) fail(`${at}.${key}`, `unknown field; allowed: at, status, ${TIMELINE_FIELDS.join(', ')}`);
        fields[key] = value;
      }
      return { at: e.at as number, status: e.status as string, fields };
    });
    return {
      id,
      starts: starts as number,
      missing: missing as boolean,
      cloudTrail: cloudTrail as boolean,
      ...(failedCall !== undefined ? { cloudTrailFailedCall: failedCall as string } : {}),
      timeline,
    };
  });
  const rawFaults = top.faults === undefined ? [] : top.faults;
  if (!Array.isArray(rawFaults)) fail('faults', 'must be an array');
  const faults = (rawFaults as unknown[]).map((item, i): FaultSpec => {
    const where = `faults[${i}]`;
    if (!isObject(item)) fail(where, 'must be an object');
    const f = item as Record<string, unknown>;
    for (const key of Object.keys(f))
      if (!FAULT_KEYS.includes(key)) fail(`${where}.${key}`, `unknown key; allowed: ${FAULT_KEYS.join(', ')}`);
    if (typeof f.operation !== 'string' || !/^[A-Z][A-Za-z]+$/.test(f.operation))
      fail(`${where}.operation`, 'must be an API operation name such as "GetBatchPrediction" or "PutEvents"');
    if (f.id !== undefined && typeof f.id !== 'string') fail(`${where}.id`, 'must be a string');
    if (!(Number.isInteger(f.times) && (f.times as number) >= 1))
      fail(`${where}.times`, `must be a whole number ≥ 1, got ${JSON.stringify(f.times)}`);
    if (f.failedEntries !== undefined) {
      if (f.operation !== 'PutEvents') fail(`${where}.failedEntries`, 'only applies to PutEvents');
      if (!(Number.isInteger(f.failedEntries) && (f.failedEntries as number) >= 1))
        fail(`${where}.failedEntries`, 'must be a whole number ≥ 1');
      if (f.error !== undefined) fail(where, '"error" and "failedEntries" exclude each other');
    } else if (typeof f.error !== 'string' || !/^[A-Za-z.]+$/.test(f.error)) {
      fail(`${where}.error`, 'must be an AWS error code such as "InternalServerException" (or give "failedEntries" for PutEvents)');
    }
    if (f.after !== undefined) {
      if (typeof f.after !== 'boolean') fail(`${where}.after`, 'must be true or false');
      if (!AFTER_OPERATIONS.has(f.operation as string))
        fail(`${where}.after`, 'only applies to PutEvents, DynamoDB operations and Invoke (the call takes effect, then fails)');
      if (f.after === true && f.failedEntries !== undefined) fail(where, '"after" and "failedEntries" exclude each other');
    }
    if (f.skip !== undefined && !(Number.isInteger(f.skip) && (f.skip as number) >= 0))
      fail(`${where}.skip`, `must be a whole number ≥ 0, got ${JSON.stringify(f.skip)}`);
    if (f.state !== undefined) {
      if (f.operation !== 'Invoke') fail(`${where}.state`, 'only applies to the "Invoke" operation');
      if (typeof f.state !== 'string' || f.state === '') fail(`${where}.state`, 'must be the name of a Task state such as "Poll"');
    }
    if (f.function !== undefined) {
      if (f.operation !== 'Invoke') fail(`${where}.function`, 'only applies to the "Invoke" operation');
      if (typeof f.function !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(f.function))
        fail(`${where}.function`, 'must be the construct id of a function such as "StarterFunction"');
    }
    return {
      operation: f.operation as string,
      id: f.id as string | undefined,
      error: f.error as string | undefined,
      failedEntries: f.failedEntries as number | undefined,
      ...(f.after !== undefined ? { after: f.after as boolean } : {}),
      ...(f.skip !== undefined ? { skip: f.skip as number } : {}),
      ...(f.state !== undefined ? { state: f.state as string } : {}),
      ...(f.function !== undefined ? { function: f.function as string } : {}),
      times: f.times as number,
    };
  });
  return { batchPredictions, faults };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
