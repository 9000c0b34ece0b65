import {
  PRICES_USD,
  costOf,
  dynamoDbItemBytes,
  eventBridgeEvents,
  lambdaGbSeconds,
  readRequestUnits,
  writeRequestUnits,
} from '../../scripts/pricing';

const NO_USAGE = {
  stateTransitions: 0,
  lambdaRequests: 0,
  lambdaGbSeconds: 0,
  dynamoDbWriteRequestUnits: 0,
  dynamoDbReadRequestUnits: 0,
  eventBridgeEvents: 0,
};

describe('PRICES_USD', () => {
  it('holds the listed us-east-1 prices', () => {
    expect(PRICES_USD.stepFunctionsStateTransition * 1_000).toBeCloseTo(0.025, 12);
    expect(PRICES_USD.lambdaArmGbSecond).toBe(0.0000133334);
    expect(PRICES_USD.lambdaRequest * 1_000_000).toBeCloseTo(0.2, 12);
    expect(PRICES_USD.dynamoDbWriteRequestUnit * 1_000_000).toBeCloseTo(0.625, 12);
    expect(PRICES_USD.dynamoDbReadRequestUnit * 1_000_000).toBeCloseTo(0.125, 12);
    expect(PRICES_USD.eventBridgeCustomEvent * 1_000_000).toBeCloseTo(1, 12);
  });
});

describe('costOf', () => {
  it('prices each service and adds them up', () => {
    const cost = costOf({
      stateTransitions: 1_000,
      lambdaRequests: 1_000_000,
      lambdaGbSeconds: 10,
      dynamoDbWriteRequestUnits: 2_000_000,
      dynamoDbReadRequestUnits: 4_000_000,
      eventBridgeEvents: 3_000_000,
    });
    expect(cost.stepFunctions).toBeCloseTo(0.025, 12);
    expect(cost.lambda).toBeCloseTo(0.2 + 10 * 0.0000133334, 12);
    expect(cost.dynamoDb).toBeCloseTo(1.25 + 0.5, 12);
    expect(cost.eventBridge).toBeCloseTo(3, 12);
    expect(cost.total).toBeCloseTo(0.025 + 0.2 + 10 * 0.0000133334 + 1.75 + 3, 12);
  });

  it('is zero for no usage', () => {
    expect(costOf(NO_USAGE).total).toBe(0);
  });
});

describe('billing units', () => {
  it('rounds Lambda duration up to the millisecond, at least 1 ms', () => {
    expect(lambdaGbSeconds(256, 0.2)).toBeCloseTo(0.25 * 0.001, 12);
    expect(lambdaGbSeconds(256, 1.2)).toBeCloseTo(0.25 * 0.002, 12);
    expect(lambdaGbSeconds(1024, 1000)).toBeCloseTo(1, 12);
  });

  it('counts DynamoDB writes per started KB and strongly consistent reads per started 4 KB, at least one', () => {
    expect([writeRequestUnits(0), writeRequestUnits(1024), writeRequestUnits(1025), writeRequestUnits(3000)]).toEqual([1, 1, 2, 3]);
    expect([readRequestUnits(0), readRequestUnits(4096), readRequestUnits(4097)]).toEqual([1, 1, 2]);
  });

  it('counts EventBridge events per started 64 KB', () => {
    expect([eventBridgeEvents(100), eventBridgeEvents(65_536), eventBridgeEvents(65_537)]).toEqual([1, 1, 2]);
  });
});

describe('dynamoDbItemBytes', () => {
  it('adds attribute names and values as DynamoDB meters them', () => {
    // name (2) + string (5); name (1) + number 12345 (3 digit pairs + 1 = 4); name (1) + boolean (1)
    expect(dynamoDbItemBytes({ id: 'hello', n: 12345, b: true })).toBe(2 + 5 + 1 + 4 + 1 + 1);
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(dynamoDbItemBytes({ s: 'é≥' })).toBe(1 + 2 + 3);
  });

  it('charges 3 bytes per map or list plus 1 byte per element', () => {
    expect(dynamoDbItemBytes({ m: { a: 'x' } })).toBe(1 + 3 + 1 + 1 + 1);
    expect(dynamoDbItemBytes({ l: ['x', null] })).toBe(1 + 3 + (1 + 1) + (1 + 1));
  });

  it('skips undefined attributes', () => {
    expect(dynamoDbItemBytes({ a: undefined, b: 'x' })).toBe(2);
  });
});
