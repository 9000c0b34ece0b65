/**
 * cdk-nag (3.x, pinned in package.json) with the AwsSolutions and Serverless packs on the app as
 * `cdk synth` builds it. cdk-nag 3 is a CDK policy-validation plugin: it reports through the cloud
 * assembly's validation report (`validation-report.json`, `Validations`), not through Annotations,
 * and reads acknowledgements from `Validations.of(construct).acknowledge(...)`. Every
 * acknowledgement lives in the construct (`BatchPredictionPoller.acknowledgeNagFindings`), never here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../lib/app';
import { TEST_ACCOUNT, TEST_REGION, contextFromCdkJson } from '../infrastructure/synth';

const PACK_NAMES = ['AwsSolutions', 'Serverless'];
const REPORT_FILE = 'validation-report.json';

/** The parts of the validation report (cloud-assembly schema `PolicyValidationReportJson`) read here. */
interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: ReadonlyArray<{
      readonly ruleName: string;
      readonly severity: string;
      readonly violatingConstructs: ReadonlyArray<{ readonly constructPath?: string }>;
    }>;
  }>;
}

/**
 * Points CDK at the test account and region and makes a temporary outdir; `restore` removes the
 * outdir and puts both environment variables back as they were.
 */
function synthesisSandbox(prefix: string): { outdir: string; restore: () => void } {
  const previous = { CDK_DEFAULT_ACCOUNT: process.env.CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION: process.env.CDK_DEFAULT_REGION };
  process.env.CDK_DEFAULT_ACCOUNT = TEST_ACCOUNT;
  process.env.CDK_DEFAULT_REGION = TEST_REGION;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const restore = () => {
    fs.rmSync(outdir, { recursive: true, force: true });
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  return { outdir, restore };
}

/** Synthesizes `app` with both packs registered; returns the report and the error synthesis threw, if any. */
function synthWithNag(app: App, outdir: string): { report: ValidationReport; error: unknown } {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    // Errors make synthesis throw, after the report is written; the report says which.
    error = e;
  }
  const report = JSON.parse(fs.readFileSync(path.join(outdir, REPORT_FILE), 'utf8')) as ValidationReport;
  return { report, error };
}

/** `RuleId @ construct path` for every finding of the two packs in a report. */
function nagFindings(report: ValidationReport): string[] {
  return report.pluginReports
    .filter((plugin) => PACK_NAMES.includes(plugin.pluginName))
    .flatMap((plugin) => plugin.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} @ ${c.constructPath}`)));
}

/** Every finding of the packs on `scope`, acknowledged or not (the pack's acknowledgement filter turned off). */
function findingsIgnoringAcknowledgements(scope: IConstruct): Array<{ id: string; path: string }> {
  return [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack: NagPack) => {
    // `isAcknowledged` is the pack's only filter between a rule's result and the report.
    Object.defineProperty(pack, 'isAcknowledged', { value: () => false });
    return pack
      .validateScope(scope)
      .violations.flatMap((v) => v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? '' })));
  });
}

/**
 * Every cdk-nag `Validations.acknowledge` in the tree: where, which finding, why. The cfn-guard
 * plugin's acknowledgements (`cdk-validator-cfnguard::...`) are checked in validators.test.ts.
 */
function acknowledgementsIn(scope: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return allAcknowledgementsIn(scope).filter((ack) => !ack.id.startsWith('cdk-validator-cfnguard::'));
}

function allAcknowledgementsIn(scope: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([key, reason]) => ({
          path: construct.node.path,
          // CDK records ids without a known prefix as annotation ids.
          id: key.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions and Serverless packs on the app', () => {
  let app: App;
  let report: ValidationReport;
  let synthError: unknown;
  let restore: () => void = () => undefined;

  beforeAll(() => {
    const sandbox = synthesisSandbox('poller-nag-');
    restore = sandbox.restore;
    app = new App({
      outdir: sandbox.outdir,
      context: {
        ...contextFromCdkJson(),
        // The optional alert email subscription is checked too (its dead-letter queue).
        alertEmail: 'on-call@example.com',
      },
    });
    buildApp(app);
    ({ report, error: synthError } = synthWithNag(app, sandbox.outdir));
  });

  afterAll(() => restore());

  it('synthesizes: no pack reports an error', () => {
    expect(synthError).toBeUndefined();
  });

  it('leaves zero unacknowledged findings, of any severity, in the validation report', () => {
    expect(nagFindings(report)).toEqual([]);
    expect(report.pluginReports.filter((p) => PACK_NAMES.includes(p.pluginName) && p.conclusion !== 'success')).toEqual([]);
  });

  it('acknowledges only in the stack, each one a single finding with a specific reason', () => {
    const acks = acknowledgementsIn(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      // In the construct or stack, never on the App (which is where a test would put them).
      expect(ack.path.startsWith('BatchPredictionPoller/')).toBe(true);
      expect(ack.id).toMatch(/^(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[.+\])?$/);
      // Rules that report one finding per permission are acknowledged per finding (appliesTo), never as a whole.
      if (/^AwsSolutions-IAM[45]\b/.test(ack.id)) expect(ack.id).toMatch(/\[(Resource|Action|Policy)::.+\]$/);
      expect(ack.reason.length).toBeGreaterThanOrEqual(80);
    }
  });

  it('has no stale acknowledgement: each one matches a finding on the construct it is attached to', () => {
    const raw = findingsIgnoringAcknowledgements(app);
    for (const ack of acknowledgementsIn(app)) {
      const matching = raw.filter((f) => f.id === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)));
      expect({ ack: `${ack.id} @ ${ack.path}`, matches: matching.length > 0 }).toEqual({ ack: `${ack.id} @ ${ack.path}`, matches: true });
    }
  });

  it('the starter role\'s "*" acknowledgement names DescribeBatchPredictions, the one Amazon ML action it allows', () => {
    const [ack] = acknowledgementsIn(app).filter(
      (a) => a.path === 'BatchPredictionPoller/Poller/StarterFunctionRole' && a.id === 'AwsSolutions-IAM5[Resource::*]',
    );
    expect(ack?.reason).toMatch(/machinelearning:DescribeBatchPredictions/);
    expect(ack?.reason).toMatch(/X-Ray/);
  });

  it('acknowledges exactly the reviewed list', () => {
    const at = (suffix: string) => `BatchPredictionPoller/Poller/${suffix}`;
    const acks = acknowledgementsIn(app).map((a) => `${a.id} @ ${a.path}`);
    expect(acks.sort()).toEqual(
      [
        `AwsSolutions-IAM5[Resource::*] @ ${at('PollFunctionRole')}`,
        `AwsSolutions-IAM5[Resource::*] @ ${at('ReportFailureFunctionRole')}`,
        // X-Ray, and DescribeBatchPredictions (no resource ARN) for the sweeper.
        `AwsSolutions-IAM5[Resource::*] @ ${at('StarterFunctionRole')}`,
        `AwsSolutions-IAM5[Resource::*] @ ${at('StateMachine/Role')}`,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:machinelearning:${TEST_REGION}:${TEST_ACCOUNT}:batchprediction/*] @ ${at('PollFunctionRole')}`,
        `AwsSolutions-IAM5[Resource::<PollerPollFunction24E17081.Arn>:*] @ ${at('StateMachine/Role')}`,
        `AwsSolutions-IAM5[Resource::<PollerReportFailureFunctionCAF7D616.Arn>:*] @ ${at('StateMachine/Role')}`,
        // Restarts: the sweeper describes the executions of this state machine (named at synthesis) only.
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${TEST_REGION}:${TEST_ACCOUNT}:execution:BatchPredictionPoller-F818DF95:*] @ ${at('StarterFunctionRole')}`,
        `AwsSolutions-SQS3 @ ${at('DeadLetterQueue')}`,
        `Serverless-SQSRedrivePolicy @ ${at('DeadLetterQueue')}`,
        `Serverless-LambdaDLQ @ ${at('PollFunction')}`,
        `Serverless-LambdaDLQ @ ${at('ReportFailureFunction')}`,
        // Its failed asynchronous invocations go to the dead-letter queue through an on-failure
        // destination, which this rule does not read (it checks DeadLetterConfig only).
        `Serverless-LambdaDLQ @ ${at('StarterFunction')}`,
      ].sort(),
    );
  });

  it("the starter's dead-letter acknowledgement says what the template does: an on-failure destination to the dead-letter queue after Lambda's retries", () => {
    const [ack] = acknowledgementsIn(app).filter(
      (a) => a.path === 'BatchPredictionPoller/Poller/StarterFunction' && a.id === 'Serverless-LambdaDLQ',
    );
    expect(ack?.reason).toMatch(/on-failure destination/);
    expect(ack?.reason).toMatch(/2 retries/);
    // What it claims, in the template: EventBridge's dead-letter queue covers delivery only.
    const stack = app.node.findChild('BatchPredictionPoller') as Stack;
    const template = Template.fromStack(stack);
    const [config] = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')) as { Properties: Record<string, any> }[];
    const queueId = Object.keys(template.findResources('AWS::SQS::Queue'))[0];
    expect(config.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });
});

describe('with discovery switched off (context discovery=false)', () => {
  it('still leaves zero findings, and acknowledges nothing about the starter', () => {
    const { outdir, restore } = synthesisSandbox('poller-nag-nodiscovery-');
    try {
      const app = new App({ outdir, context: { ...contextFromCdkJson(), discovery: false } });
      const { stack } = buildApp(app);
      expect(stack.poller.starterFunction).toBeUndefined();
      const { report, error } = synthWithNag(app, outdir);
      expect(error).toBeUndefined();
      expect(nagFindings(report)).toEqual([]);
      const acks = acknowledgementsIn(app).map((a) => `${a.id} @ ${a.path}`);
      expect(acks.length).toBeGreaterThan(0);
      expect(acks.filter((a) => /Starter/.test(a))).toEqual([]);
    } finally {
      restore();
    }
  });
});

describe('the check itself', () => {
  it('reports an unacknowledged finding through the validation report (so an empty report means none)', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'poller-nag-control-'));
    try {
      const app = new App({ outdir });
      const stack = new Stack(app, 'Control', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
      new sqs.Queue(stack, 'Plain', { encryption: sqs.QueueEncryption.UNENCRYPTED });
      const { report, error } = synthWithNag(app, outdir);
      expect(error).toBeDefined();
      const findings = nagFindings(report);
      expect(findings).toContain('AwsSolutions-SQS4 @ Control/Plain/Resource');
      expect(findings).toContain('Serverless-SQSRedrivePolicy @ Control/Plain/Resource');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
