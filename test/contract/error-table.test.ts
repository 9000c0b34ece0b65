/**
 * One error table: every name the state machine's `Retry` and `Catch` match and every error the
 * handlers throw is in the contract's lists (`lib/contract/errors.ts`), has exactly one class under
 * that spelling, and is a row of the table in docs/how-it-works.md ("Errors").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as domainErrors from '../../lambda/shared/domain/errors';
import { PollerConfigError } from '../../lib/contract/config-error';
import {
  LAMBDA_CRASH_ERROR_NAMES,
  LAMBDA_SERVICE_ERROR_NAMES,
  PollerErrorName,
  STATES_ALL,
  STEP_FUNCTIONS_HANDED_OVER_ERROR_NAME,
  STEP_FUNCTIONS_RETRIED_ERROR_NAMES,
  TRANSIENT_ERROR_NAMES,
} from '../../lib/contract/errors';
import { synth } from '../infrastructure/synth';

const HANDLER_ERROR_NAMES: readonly string[] = Object.values(PollerErrorName);
/** Every name the table holds: the handlers' and the ones Lambda and Step Functions raise. */
const KNOWN_NAMES = new Set([
  ...HANDLER_ERROR_NAMES,
  ...TRANSIENT_ERROR_NAMES,
  ...LAMBDA_SERVICE_ERROR_NAMES,
  ...LAMBDA_CRASH_ERROR_NAMES,
  ...STEP_FUNCTIONS_RETRIED_ERROR_NAMES,
  STEP_FUNCTIONS_HANDED_OVER_ERROR_NAME,
  STATES_ALL,
  'States.Timeout',
]);

/** The error names of the first column of docs/how-it-works.md's "Errors" table. */
function documentedNames(): Set<string> {
  const page = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'how-it-works.md'), 'utf8');
  const start = page.indexOf('\n## Errors\n');
  expect(start).toBeGreaterThan(-1);
  const section = page.slice(start, page.indexOf('\n## ', start + 1));
  const names = section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split(' | ')[0] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]));
  return new Set(names);
}

describe('the error table', () => {
  it('lists every known error name, and nothing else', () => {
    expect([...documentedNames()].sort()).toEqual([...KNOWN_NAMES].sort());
  });

  it('each handler error name has exactly one class, whose instances carry it as their name', () => {
    const classes = ([...Object.values(domainErrors), PollerConfigError] as unknown[]).filter(
      (value): value is new (...args: string[]) => Error =>
        typeof value === 'function' && value.prototype instanceof Error && value !== domainErrors.PollerError,
    );
    const names = classes.map((ErrorClass) => new ErrorClass('x', 'y').name).sort();
    expect(names).toEqual([...HANDLER_ERROR_NAMES].sort());
  });

  it('every name the synthesized state machine retries or catches is in the table', () => {
    const { template, cleanup } = synth();
    try {
      const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
      expect(machines).toHaveLength(1);
      const definition = JSON.stringify(machines[0].Properties.DefinitionString);
      // The definition is a Fn::Join of strings and tokens; its error names are plain strings in it.
      const names = [...definition.matchAll(/\\"ErrorEquals\\":\[([^\]]*)\]/g)].flatMap((m) =>
        [...m[1].matchAll(/\\"([^\\]+)\\"/g)].map((n) => n[1]),
      );
      expect(names.length).toBeGreaterThan(10);
      expect(names.filter((name) => !KNOWN_NAMES.has(name))).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
