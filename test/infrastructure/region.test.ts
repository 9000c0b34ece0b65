/**
 * Amazon ML runs in us-east-1 and eu-west-1 only: synthesis for any other concrete region fails with
 * one line naming the regions it runs in, a region-agnostic stack gets a warning, and
 * `machineLearningRegions` overrides the list.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { BatchPredictionPoller } from '../../lib/batch-prediction-poller';
import { type BatchPredictionPollerProps, PollerDefaults } from '../../lib/poller/props';
import { MachineLearningRegionError } from '../../lib/poller/validation';
import { TEST_ACCOUNT } from './synth';

const WARNING = /region is not known at synthesis time; Amazon ML runs only in us-east-1, eu-west-1/;

/** A poller in a stack of `region` (undefined: region-agnostic). */
function pollerIn(region: string | undefined, props: BatchPredictionPollerProps = {}): Stack {
  const app = new App();
  const stack = new Stack(app, 'S', region === undefined ? {} : { env: { account: TEST_ACCOUNT, region } });
  new BatchPredictionPoller(stack, 'Poller', props);
  return stack;
}

function errorOf(build: () => unknown): Error {
  try {
    build();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

it('the default list is the regions Amazon ML runs in', () => {
  expect(PollerDefaults.MACHINE_LEARNING_REGIONS).toEqual(['us-east-1', 'eu-west-1']);
});

it.each(['us-east-1', 'eu-west-1'])('synthesizes in %s without a region warning', (region) => {
  Annotations.fromStack(pollerIn(region)).hasNoWarning('*', Match.stringLikeRegexp('Amazon ML'));
});

it.each(['eu-central-1', 'us-west-2', 'ap-southeast-2'])('refuses %s with one line naming the regions Amazon ML runs in', (region) => {
  const error = errorOf(() => pollerIn(region));
  expect(error).toBeInstanceOf(MachineLearningRegionError);
  expect(error.name).toBe('MachineLearningRegionError');
  expect(error.message).toBe(
    `Amazon ML does not run in ${region}; it runs only in us-east-1, eu-west-1. Deploy the stack to one of them (e.g. CDK_DEFAULT_REGION or env.region), or set 'machineLearningRegions' if Amazon ML has added ${region}.`,
  );
});

it('warns on a region-agnostic stack (its region is a token), on the construct', () => {
  Annotations.fromStack(pollerIn(undefined)).hasWarning('/S/Poller', Match.stringLikeRegexp(WARNING.source));
});

it('machineLearningRegions overrides the list: a region added there synthesizes, one left out is refused', () => {
  Annotations.fromStack(pollerIn('eu-central-1', { machineLearningRegions: ['us-east-1', 'eu-west-1', 'eu-central-1'] })).hasNoWarning(
    '*',
    Match.anyValue(),
  );
  expect(errorOf(() => pollerIn('us-east-1', { machineLearningRegions: ['eu-west-1'] })).message).toMatch(
    /^Amazon ML does not run in us-east-1; it runs only in eu-west-1\./,
  );
});

it.each<[string, string[]]>([
  ['an empty list', []],
  ['something not a region name', ['US East']],
])('machineLearningRegions refuses %s, naming the prop', (_label, machineLearningRegions) => {
  expect(errorOf(() => pollerIn('us-east-1', { machineLearningRegions })).message).toMatch(
    /^'machineLearningRegions' must be a non-empty list of region names such as "us-east-1", got /,
  );
});
