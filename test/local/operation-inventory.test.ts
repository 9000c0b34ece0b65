/**
 * docs/local-runtime.md's "Served operations" tables against the stand-ins' dispatch tables: every operation
 * marked served is in its service's table, every operation a stand-in dispatches is marked served,
 * and no "not served" row names one it dispatches. So the inventory cannot drift from the code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dynaliteOperations } from '../../local/stand-ins/dynamodb/dynamodb-stand-in';
import { EventBridgeStandIn } from '../../local/stand-ins/event-bridge/event-bridge-stand-in';
import { MachineLearningStandIn } from '../../local/stand-ins/machine-learning/machine-learning-stand-in';
import { CLOUDFORMATION_OPERATIONS, SERVICE_BY_TARGET_PREFIX } from '../../local/cli/serve';
import { stepFunctionsOperations } from '../../local/step-functions/step-functions-endpoint';
import { LocalStepFunctions } from '../../local/step-functions/step-functions';
import { VirtualClock } from '../../local/core/virtual-clock';
import { lambdaRunning } from './support/lambda';

const PAGE = fs.readFileSync(path.join(__dirname, '../../docs/local-runtime.md'), 'utf8');

/** `### Service` → its table rows (operation, served), in docs/local-runtime.md's "Served operations". */
function inventory(): Map<string, { operation: string; served: boolean }[]> {
  const start = PAGE.indexOf('\n## Served operations\n');
  expect(start).toBeGreaterThan(-1);
  const end = PAGE.indexOf('\n## ', start + 1);
  const section = PAGE.slice(start, end === -1 ? undefined : end);
  const tables = new Map<string, { operation: string; served: boolean }[]>();
  let service: string | undefined;
  for (const line of section.split('\n')) {
    const heading = /^### (.+)$/.exec(line);
    if (heading !== null) {
      service = heading[1].trim();
      tables.set(service, []);
      continue;
    }
    const row = /^\| `([A-Za-z]+)` \| (yes|no) \|/.exec(line);
    if (row !== null) {
      if (service === undefined) throw new Error(`docs/local-runtime.md row ${line} is under no service heading`);
      tables.get(service)!.push({ operation: row[1], served: row[2] === 'yes' });
    } else if (line.startsWith('| `')) {
      throw new Error(`docs/local-runtime.md row not in the "| \`Operation\` | yes/no | notes |" form: ${line}`);
    }
  }
  return tables;
}

/**
 * Only the keys of the dispatch tables are read: the stand-in classes' `operations()` are called
 * on a bare prototype object (the handlers, which need a constructed stand-in, are never called).
 */
const keysOf = (operations: Readonly<Record<string, unknown>>) => Object.keys(operations).sort();
const DISPATCHED: Readonly<Record<string, () => string[]>> = {
  CloudFormation: () => keysOf(CLOUDFORMATION_OPERATIONS),
  'Step Functions': () =>
    keysOf(
      stepFunctionsOperations(
        new LocalStepFunctions(
          [],
          lambdaRunning([], new VirtualClock(0), async () => undefined),
          new VirtualClock(0),
          'inventory',
        ),
      ),
    ),
  DynamoDB: () => dynaliteOperations(),
  'Amazon ML': () =>
    keysOf(MachineLearningStandIn.prototype.operations.call(Object.create(MachineLearningStandIn.prototype) as MachineLearningStandIn)),
  EventBridge: () =>
    keysOf(EventBridgeStandIn.prototype.operations.call(Object.create(EventBridgeStandIn.prototype) as EventBridgeStandIn)),
};

/** The service each JSON-protocol target prefix routes to, by the docs heading that lists it. */
const HEADING_BY_ROUTED_SERVICE: Readonly<Record<string, string>> = {
  sfn: 'Step Functions',
  dynamodb: 'DynamoDB',
  machinelearning: 'Amazon ML',
  eventbridge: 'EventBridge',
};

describe('served operation inventory (docs/local-runtime.md)', () => {
  it('has one table per served service: CloudFormation and every service the endpoint routes to', () => {
    const routed = Object.values(SERVICE_BY_TARGET_PREFIX).map((service) => HEADING_BY_ROUTED_SERVICE[service]);
    expect(routed).not.toContain(undefined);
    expect([...inventory().keys()].sort()).toEqual(['CloudFormation', ...routed].sort());
    expect(Object.keys(DISPATCHED).sort()).toEqual([...inventory().keys()].sort());
  });

  it.each(Object.keys(DISPATCHED))('%s: the operations marked served are exactly the dispatch table', (service) => {
    const rows = inventory().get(service) ?? [];
    const dispatched = DISPATCHED[service]();
    expect(dispatched.length).toBeGreaterThan(0);
    expect(
      rows
        .filter((r) => r.served)
        .map((r) => r.operation)
        .sort(),
    ).toEqual(dispatched);
    // A "not served" row must not name an operation that is served, nor repeat one.
    expect(
      rows
        .filter((r) => !r.served)
        .map((r) => r.operation)
        .filter((op) => dispatched.includes(op)),
    ).toEqual([]);
    expect(new Set(rows.map((r) => r.operation)).size).toBe(rows.length);
    expect(rows.some((r) => !r.served)).toBe(true);
  });
});
