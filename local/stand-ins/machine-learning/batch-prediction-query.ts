/**
 * Amazon ML `DescribeBatchPredictions` as pure functions: validate a request, select the batch
 * predictions it asks for, sort them and cut a page. The stand-in (`machine-learning-stand-in.ts`)
 * only supplies the batch predictions as `GetBatchPrediction` would answer them now.
 * @see https://docs.aws.amazon.com/machine-learning/latest/APIReference/API_DescribeBatchPredictions.html
 */
import { createHash } from 'node:crypto';

/** A request the API would refuse; answered as Amazon ML's `InvalidInputException`. */
export class InvalidInputError extends Error {
  /** The error code the API answers with. */
  readonly errorType = 'InvalidInputException';

  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** The request's `FilterVariable` values, and the `GetBatchPrediction` field each one reads. */
export const FILTER_FIELDS = {
  CreatedAt: 'CreatedAt',
  LastUpdatedAt: 'LastUpdatedAt',
  Status: 'Status',
  Name: 'Name',
  IAMUser: 'CreatedByIamUser',
  MLModelId: 'MLModelId',
  DataSourceId: 'BatchPredictionDataSourceId',
  DataURI: 'InputDataLocationS3',
} as const;

/** A `FilterVariable` value. */
export type FilterVariable = keyof typeof FILTER_FIELDS;

/** The comparison operators, in the order the API documents them. */
export const OPERATORS = ['EQ', 'GT', 'LT', 'GE', 'LE', 'NE', 'Prefix'] as const;

/** A comparison operator of the request. */
export type Operator = (typeof OPERATORS)[number];

const DATE_VARIABLES: ReadonlySet<FilterVariable> = new Set(['CreatedAt', 'LastUpdatedAt']);
const SORT_ORDERS = ['asc', 'dsc'] as const;
/** `Limit`: "The range of acceptable values is 1 through 100. The default value is 100." */
const MAX_LIMIT = 100;
/** `ComparatorValue`: at most 1024 characters, pattern `.*\S.*|^$` (not only white space). */
const MAX_COMPARATOR_LENGTH = 1024;

/** A validated `DescribeBatchPredictions` request. */
export interface BatchPredictionQuery {
  readonly filterVariable?: FilterVariable;
  /** The operators given, all of which must hold (`GE` and `LT` together select a range). */
  readonly conditions: readonly { readonly operator: Operator; readonly value: string }[];
  readonly sortOrder: 'asc' | 'dsc';
  readonly limit: number;
  /** Index of the first result of the page. */
  readonly offset: number;
}

/** A batch prediction in `GetBatchPrediction`'s wire form (PascalCase, dates in epoch seconds). */
export type BatchPredictionRecord = Readonly<Record<string, unknown>>;

/**
 * Validates a request as the API does. The messages follow AWS's validation style (`Value 'x'
 * at 'limit' failed to satisfy constraint: ...`) and say what would be accepted.
 * @throws InvalidInputError
 */
export function parseBatchPredictionQuery(input: Readonly<Record<string, unknown>>): BatchPredictionQuery {
  const problems: string[] = [];
  const variable = input.FilterVariable;
  if (variable !== undefined && !(typeof variable === 'string' && variable in FILTER_FIELDS)) {
    problems.push(
      `Value '${String(variable)}' at 'filterVariable' failed to satisfy constraint: Member must satisfy enum value set: [${Object.keys(FILTER_FIELDS).join(', ')}]`,
    );
  }
  const sortOrder = input.SortOrder ?? 'asc';
  if (!(typeof sortOrder === 'string' && (SORT_ORDERS as readonly string[]).includes(sortOrder))) {
    problems.push(
      `Value '${String(sortOrder)}' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [${SORT_ORDERS.join(', ')}]`,
    );
  }
  const limit = input.Limit ?? MAX_LIMIT;
  if (!(typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT)) {
    problems.push(`Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  const conditions: { operator: Operator; value: string }[] = [];
  for (const operator of OPERATORS) {
    const value = input[operator];
    if (value === undefined) continue;
    const field = operator === 'Prefix' ? 'prefix' : operator.toLowerCase();
    if (typeof value !== 'string')
      problems.push(`Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must be a string`);
    else if (value.length > MAX_COMPARATOR_LENGTH)
      problems.push(
        `Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_COMPARATOR_LENGTH}`,
      );
    else if (value !== '' && !/\S/.test(value))
      problems.push(
        `Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: .*\\S.*|^$`,
      );
    else conditions.push({ operator, value });
  }
  if (problems.length > 0)
    throw new InvalidInputError(`${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`);

  const filterVariable = variable as FilterVariable | undefined;
  if (filterVariable === undefined && conditions.length > 0) {
    throw new InvalidInputError(
      `${conditions.map((c) => c.operator).join(', ')} given without a FilterVariable: name the variable to compare (${Object.keys(FILTER_FIELDS).join(', ')})`,
    );
  }
  if (filterVariable !== undefined && DATE_VARIABLES.has(filterVariable)) {
    for (const c of conditions) {
      if (c.operator !== 'Prefix' && toEpochSeconds(c.value) === undefined) {
        throw new InvalidInputError(
          `${c.operator} '${c.value}' is not a date for FilterVariable ${filterVariable}: give an ISO-8601 time (2026-01-05T00:00:00Z) or epoch seconds`,
        );
      }
    }
  }
  const query = { filterVariable, conditions, sortOrder: sortOrder as 'asc' | 'dsc', limit: limit as number };
  return { ...query, offset: input.NextToken === undefined ? 0 : offsetOf(input.NextToken, query) };
}

/**
 * The batch predictions a query selects, in its order: sorted by the `FilterVariable` (by
 * `CreatedAt` without one) in `SortOrder`, ties by id ascending, so that pages are stable.
 */
export function selectBatchPredictions(all: readonly BatchPredictionRecord[], query: BatchPredictionQuery): BatchPredictionRecord[] {
  const variable = query.filterVariable ?? 'CreatedAt';
  const selected = all.filter((bp) => query.conditions.every((c) => holds(bp, variable, c.operator, c.value)));
  const direction = query.sortOrder === 'asc' ? 1 : -1;
  return selected.sort(
    (a, b) =>
      direction * compare(sortKey(a, variable), sortKey(b, variable)) || compare(String(a.BatchPredictionId), String(b.BatchPredictionId)),
  );
}

/** Whether one batch prediction satisfies `variable <operator> value`. */
export function holds(bp: BatchPredictionRecord, variable: FilterVariable, operator: Operator, value: string): boolean {
  const actual = bp[FILTER_FIELDS[variable]];
  if (actual === undefined) return operator === 'NE';
  if (DATE_VARIABLES.has(variable)) {
    const seconds = Number(actual);
    // Prefix on a date compares its ISO-8601 text: Prefix 2026-01-05 selects that day (UTC).
    if (operator === 'Prefix') return new Date(seconds * 1000).toISOString().startsWith(value);
    return test(compare(seconds, toEpochSeconds(value) as number), operator);
  }
  const text = String(actual);
  if (operator === 'Prefix') return text.startsWith(value);
  return test(compare(text, value), operator);
}

/** The page of `selected` the query asks for, with the token of the next one. */
export function pageOf(
  selected: readonly BatchPredictionRecord[],
  query: BatchPredictionQuery,
): { Results: BatchPredictionRecord[]; NextToken?: string } {
  const end = query.offset + query.limit;
  return { Results: selected.slice(query.offset, end), ...(end < selected.length ? { NextToken: tokenFor(end, query) } : {}) };
}

function test(order: number, operator: Exclude<Operator, 'Prefix'>): boolean {
  switch (operator) {
    case 'EQ':
      return order === 0;
    case 'NE':
      return order !== 0;
    case 'GT':
      return order > 0;
    case 'GE':
      return order >= 0;
    case 'LT':
      return order < 0;
    case 'LE':
      return order <= 0;
  }
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKey(bp: BatchPredictionRecord, variable: FilterVariable): string | number {
  const value = bp[FILTER_FIELDS[variable]];
  if (DATE_VARIABLES.has(variable)) return typeof value === 'number' ? value : -Infinity;
  return value === undefined ? '' : String(value);
}

/** An ISO-8601 time or epoch seconds, as epoch seconds; undefined if neither. */
function toEpochSeconds(value: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** The query without its position: a token is valid only for the query it was made for. */
function fingerprint(query: Omit<BatchPredictionQuery, 'offset'>): string {
  return createHash('sha256')
    .update(JSON.stringify([query.filterVariable, query.conditions, query.sortOrder]))
    .digest('hex')
    .slice(0, 16);
}

function tokenFor(offset: number, query: Omit<BatchPredictionQuery, 'offset'>): string {
  return Buffer.from(JSON.stringify({ o: offset, q: fingerprint(query) })).toString('base64url');
}

function offsetOf(token: unknown, query: Omit<BatchPredictionQuery, 'offset'>): number {
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    if (Number.isInteger(parsed.o) && (parsed.o as number) >= 0 && parsed.q === fingerprint(query)) return parsed.o as number;
  } catch {
    // Not one of ours: refused below.
  }
  throw new InvalidInputError(
    `NextToken '${String(token)}' is not valid for this request: pass the NextToken of the previous page of the same query, with the same filter and sort order`,
  );
}
