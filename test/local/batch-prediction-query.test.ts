/**
 * Amazon ML DescribeBatchPredictions' filters, sort order, paging and validation, as pure
 * functions. Source of each rule: the API reference,
 * https://docs.aws.amazon.com/machine-learning/latest/APIReference/API_DescribeBatchPredictions.html
 * (and the SDK model's documentation of DescribeBatchPredictionsInput).
 */
import {
  type BatchPredictionRecord,
  type FilterVariable,
  InvalidInputError,
  type Operator,
  holds,
  pageOf,
  parseBatchPredictionQuery,
  selectBatchPredictions,
} from '../../local/stand-ins/machine-learning/batch-prediction-query';

const at = (iso: string) => Date.parse(iso) / 1000;

/** Three batch predictions differing in every filterable field. */
const ALL: BatchPredictionRecord[] = [
  {
    BatchPredictionId: 'bp-a',
    MLModelId: 'ml-a',
    BatchPredictionDataSourceId: 'ds-a',
    InputDataLocationS3: 's3://in/a/records.csv',
    CreatedByIamUser: 'arn:aws:iam::123456789012:user/alice',
    CreatedAt: at('2026-01-05T00:00:00Z'),
    LastUpdatedAt: at('2026-01-05T02:00:00Z'),
    Name: '2026-01-05-HolidayGiftMailer',
    Status: 'COMPLETED',
  },
  {
    BatchPredictionId: 'bp-b',
    MLModelId: 'ml-b',
    BatchPredictionDataSourceId: 'ds-b',
    InputDataLocationS3: 's3://in/b/records.csv',
    CreatedByIamUser: 'arn:aws:iam::123456789012:user/bob',
    CreatedAt: at('2026-01-06T00:00:00Z'),
    LastUpdatedAt: at('2026-01-06T00:10:00Z'),
    Name: '2026-01-06-Churn',
    Status: 'INPROGRESS',
  },
  {
    BatchPredictionId: 'bp-c',
    MLModelId: 'ml-a',
    BatchPredictionDataSourceId: 'ds-c',
    InputDataLocationS3: 's3://other/c.csv',
    CreatedByIamUser: 'arn:aws:iam::123456789012:user/alice',
    CreatedAt: at('2026-01-07T00:00:00Z'),
    LastUpdatedAt: at('2026-01-07T00:00:00Z'),
    Name: '2026-01-07-HolidayGiftMailer',
    Status: 'PENDING',
  },
];

const ids = (input: Record<string, unknown>) => {
  const query = parseBatchPredictionQuery(input);
  return selectBatchPredictions(ALL, query).map((bp) => bp.BatchPredictionId);
};

describe('FilterVariable × operator (each variable reads its GetBatchPrediction field)', () => {
  it.each<[FilterVariable, Operator, string, string[]]>([
    ['MLModelId', 'EQ', 'ml-a', ['bp-a', 'bp-c']],
    ['MLModelId', 'NE', 'ml-a', ['bp-b']],
    ['MLModelId', 'GT', 'ml-a', ['bp-b']],
    ['MLModelId', 'GE', 'ml-a', ['bp-a', 'bp-c', 'bp-b']],
    ['MLModelId', 'LT', 'ml-b', ['bp-a', 'bp-c']],
    ['MLModelId', 'LE', 'ml-a', ['bp-a', 'bp-c']],
    ['MLModelId', 'Prefix', 'ml-', ['bp-a', 'bp-c', 'bp-b']],
    ['Status', 'EQ', 'INPROGRESS', ['bp-b']],
    ['Status', 'NE', 'COMPLETED', ['bp-b', 'bp-c']],
    // "Name 2014-09-09-HolidayGiftMailer ... any of the following strings for the Prefix: 2014-09, ..."
    ['Name', 'Prefix', '2026-01-0', ['bp-a', 'bp-b', 'bp-c']],
    ['Name', 'Prefix', '2026-01-05-Holiday', ['bp-a']],
    ['Name', 'EQ', '2026-01-06-Churn', ['bp-b']],
    ['IAMUser', 'EQ', 'arn:aws:iam::123456789012:user/alice', ['bp-a', 'bp-c']],
    ['IAMUser', 'Prefix', 'arn:aws:iam::123456789012:user/b', ['bp-b']],
    ['DataSourceId', 'EQ', 'ds-c', ['bp-c']],
    ['DataSourceId', 'LT', 'ds-c', ['bp-a', 'bp-b']],
    ['DataURI', 'Prefix', 's3://in/', ['bp-a', 'bp-b']],
    ['DataURI', 'EQ', 's3://other/c.csv', ['bp-c']],
    ['CreatedAt', 'GT', '2026-01-05T00:00:00Z', ['bp-b', 'bp-c']],
    ['CreatedAt', 'GE', '2026-01-05T00:00:00Z', ['bp-a', 'bp-b', 'bp-c']],
    ['CreatedAt', 'LT', '2026-01-06T00:00:00Z', ['bp-a']],
    ['CreatedAt', 'LE', '2026-01-06T00:00:00Z', ['bp-a', 'bp-b']],
    ['CreatedAt', 'EQ', String(at('2026-01-06T00:00:00Z')), ['bp-b']],
    ['CreatedAt', 'NE', '2026-01-06T00:00:00.000Z', ['bp-a', 'bp-c']],
    ['CreatedAt', 'Prefix', '2026-01-07', ['bp-c']],
    ['LastUpdatedAt', 'GT', '2026-01-06T00:00:00Z', ['bp-b', 'bp-c']],
    ['LastUpdatedAt', 'LE', '2026-01-05T02:00:00Z', ['bp-a']],
  ])('%s %s %j selects %j (sorted by the variable, ascending)', (variable, operator, value, expected) => {
    expect(ids({ FilterVariable: variable, [operator]: value })).toEqual(expected);
  });

  it('combines operators: all must hold (GE and LT select a range)', () => {
    expect(ids({ FilterVariable: 'CreatedAt', GE: '2026-01-06T00:00:00Z', LT: '2026-01-07T00:00:00Z' })).toEqual(['bp-b']);
    expect(ids({ FilterVariable: 'MLModelId', EQ: 'ml-a', NE: 'ml-a' })).toEqual([]);
  });

  it('a field a batch prediction lacks matches NE only', () => {
    const bare = { BatchPredictionId: 'bp-x', Status: 'PENDING' };
    expect(holds(bare, 'Name', 'EQ', 'x')).toBe(false);
    expect(holds(bare, 'Name', 'Prefix', '')).toBe(false);
    expect(holds(bare, 'Name', 'NE', 'x')).toBe(true);
  });
});

describe('SortOrder ("Results are sorted by FilterVariable")', () => {
  it.each<[Record<string, unknown>, string[]]>([
    [{ FilterVariable: 'Name', SortOrder: 'asc' }, ['bp-a', 'bp-b', 'bp-c']],
    [{ FilterVariable: 'Name', SortOrder: 'dsc' }, ['bp-c', 'bp-b', 'bp-a']],
    [{ FilterVariable: 'Status', SortOrder: 'asc' }, ['bp-a', 'bp-b', 'bp-c']],
    [{ FilterVariable: 'Status', SortOrder: 'dsc' }, ['bp-c', 'bp-b', 'bp-a']],
    // Ties (same MLModelId) stay in id order either way, so pages are stable.
    [{ FilterVariable: 'MLModelId', SortOrder: 'dsc' }, ['bp-b', 'bp-a', 'bp-c']],
    [{ FilterVariable: 'LastUpdatedAt', SortOrder: 'dsc' }, ['bp-c', 'bp-b', 'bp-a']],
    // No FilterVariable: everything, by creation time.
    [{}, ['bp-a', 'bp-b', 'bp-c']],
    [{ SortOrder: 'dsc' }, ['bp-c', 'bp-b', 'bp-a']],
  ])('%j lists %j', (input, expected) => {
    expect(ids(input)).toEqual(expected);
  });
});

describe('Limit and NextToken', () => {
  it('pages with Limit, the last page without a NextToken, the pages together listing everything once', () => {
    const seen: unknown[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = parseBatchPredictionQuery({
        FilterVariable: 'Name',
        SortOrder: 'dsc',
        Limit: 2,
        ...(token ? { NextToken: token } : {}),
      });
      const page = pageOf(selectBatchPredictions(ALL, query), query);
      expect(page.Results.length).toBeLessThanOrEqual(2);
      seen.push(...page.Results.map((bp) => bp.BatchPredictionId));
      token = page.NextToken;
      pages++;
    } while (token !== undefined);
    expect(pages).toBe(2);
    expect(seen).toEqual(['bp-c', 'bp-b', 'bp-a']);
  });

  it('defaults Limit to 100', () => {
    expect(parseBatchPredictionQuery({}).limit).toBe(100);
  });

  it('refuses a NextToken made for another query, or not made by the API', () => {
    const query = parseBatchPredictionQuery({ FilterVariable: 'Name', Limit: 1 });
    const { NextToken } = pageOf(selectBatchPredictions(ALL, query), query);
    expect(NextToken).toBeDefined();
    expect(() => parseBatchPredictionQuery({ FilterVariable: 'Name', Limit: 1, NextToken })).not.toThrow();
    expect(() => parseBatchPredictionQuery({ FilterVariable: 'Status', Limit: 1, NextToken })).toThrow(
      /NextToken .* is not valid for this request/,
    );
    expect(() => parseBatchPredictionQuery({ NextToken: 'garbage' })).toThrow(InvalidInputError);
  });
});

describe('validation (InvalidInputException, in AWS validation wording)', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'Limit 0',
      { Limit: 0 },
      /^1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must be a whole number from 1 to 100$/,
    ],
    ['Limit 101', { Limit: 101 }, /Value '101' at 'limit'/],
    ['Limit 2.5', { Limit: 2.5 }, /Value '2.5' at 'limit'/],
    [
      'an unknown FilterVariable',
      { FilterVariable: 'BatchPredictionId' },
      /Value 'BatchPredictionId' at 'filterVariable' failed to satisfy constraint: Member must satisfy enum value set: \[CreatedAt, LastUpdatedAt, Status, Name, IAMUser, MLModelId, DataSourceId, DataURI\]/,
    ],
    [
      'SortOrder desc',
      { SortOrder: 'desc' },
      /Value 'desc' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: \[asc, dsc\]/,
    ],
    [
      'EQ of 1,025 characters',
      { FilterVariable: 'Name', EQ: 'x'.repeat(1025) },
      /Value at 'eq' failed to satisfy constraint: Member must have length less than or equal to 1024/,
    ],
    [
      'a blank Prefix',
      { FilterVariable: 'Name', Prefix: '   ' },
      /Value ' {3}' at 'prefix' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    ],
    ['two mistakes at once', { Limit: 0, SortOrder: 'up' }, /^2 validation errors detected: .*'sortOrder'.*; .*'limit'/],
    ['an operator without FilterVariable', { EQ: 'ml-a' }, /EQ given without a FilterVariable/],
    [
      'a date that is not a date',
      { FilterVariable: 'CreatedAt', GT: 'yesterday' },
      /GT 'yesterday' is not a date for FilterVariable CreatedAt: give an ISO-8601 time/,
    ],
  ])('%s is refused', (_label, input, message) => {
    let thrown: unknown;
    try {
      parseBatchPredictionQuery(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect((thrown as InvalidInputError).name).toBe('InvalidInputError');
    expect((thrown as InvalidInputError).errorType).toBe('InvalidInputException');
    expect((thrown as Error).message).toMatch(message);
  });

  it('accepts the empty string as a comparator value (pattern .*\\S.*|^$)', () => {
    expect(ids({ FilterVariable: 'Name', Prefix: '' })).toEqual(['bp-a', 'bp-b', 'bp-c']);
  });
});
