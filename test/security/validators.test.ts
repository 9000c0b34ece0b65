/**
 * Validators nobody here wrote, on the app as `cdk synth` builds it (bundling skipped, synthesized
 * once): asl-validator on the state machine definition resolved to plain ASL (as the local runtime
 * resolves it), and the AWS Control Tower proactive controls (cfn-guard rules and binary bundled in
 * `@cdklabs/cdk-validator-cfnguard`) as a CDK policy-validation plugin. Both run offline. Every
 * remaining cfn-guard finding is acknowledged in the construct
 * (`BatchPredictionPoller.acknowledgeGuardFindings`), never here; any other finding fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { buildApp } from '../../lib/app';
import { BatchPredictionPoller } from '../../lib/batch-prediction-poller';
import { deploymentFromTemplate } from '../../local/template/deployment';
import { TEST_ACCOUNT, TEST_REGION, contextFromCdkJson } from '../infrastructure/synth';

// asl-validator 4 ships no type declarations.
const aslValidator = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: Array<{ message: string }>;
  errorsText: (separator?: string) => string;
};

const GUARD = 'cdk-validator-cfnguard';
const REPORT_FILE = 'validation-report.json';

interface Violation {
  readonly ruleName: string;
  readonly description: string;
  readonly violatingConstructs: ReadonlyArray<{ readonly constructPath?: string }>;
}
interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: string;
  readonly violations: readonly Violation[];
  readonly suppressedViolations?: ReadonlyArray<Violation & { readonly acknowledgedAt: string; readonly reason: string }>;
}

/** Synthesizes `app` with the cfn-guard plugin; returns its report and the error synthesis threw, if any. */
function synthWithGuard(app: App, outdir: string): { report: PluginReport; error: unknown } {
  Validations.of(app).addPlugins(new CfnGuardValidator());
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    // A finding makes synthesis throw, after the report is written.
    error = e;
  }
  const { pluginReports } = JSON.parse(fs.readFileSync(path.join(outdir, REPORT_FILE), 'utf8')) as { pluginReports: PluginReport[] };
  const report = pluginReports.find((r) => r.pluginName === GUARD);
  if (report === undefined) throw new Error(`no ${GUARD} report among ${pluginReports.map((r) => r.pluginName).join(', ')}`);
  return { report, error };
}

/** `control rule @ construct path` for each finding. */
const findings = (violations: readonly Violation[]) =>
  violations.flatMap((v) =>
    v.violatingConstructs.map((c) => `${v.description.slice(0, v.description.indexOf(']') + 1)} ${v.ruleName} @ ${c.constructPath}`),
  );

let outdir: string;
let app: App;
let report: PluginReport;
let synthError: unknown;
let template: Record<string, unknown>;
const previousEnv = { CDK_DEFAULT_ACCOUNT: process.env.CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION: process.env.CDK_DEFAULT_REGION };

beforeAll(() => {
  process.env.CDK_DEFAULT_ACCOUNT = TEST_ACCOUNT;
  process.env.CDK_DEFAULT_REGION = TEST_REGION;
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'poller-validators-'));
  // The optional alert email subscription is checked too.
  app = new App({ outdir, context: { ...contextFromCdkJson(), alertEmail: 'on-call@example.com' } });
  const { stack } = buildApp(app);
  ({ report, error: synthError } = synthWithGuard(app, outdir));
  template = JSON.parse(fs.readFileSync(path.join(outdir, `${stack.stackName}.template.json`), 'utf8')) as Record<string, unknown>;
});

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
  for (const [key, value] of Object.entries(previousEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('asl-validator on the synthesized state machine definition', () => {
  it('finds it valid (schema, transitions, paths, terminal states)', () => {
    const [machine] = deploymentFromTemplate(template, 'BatchPredictionPoller').stateMachines;
    const result = aslValidator(structuredClone(machine.definition));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('reports a broken definition (so "valid" means something)', () => {
    const result = aslValidator({
      StartAt: 'Poll',
      States: { Poll: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Nowhere' } },
    });
    expect(result.isValid).toBe(false);
    expect(result.errorsText('\n')).toMatch(/Nowhere/);
  });
});

describe('cfn-guard AWS Control Tower proactive controls on the app', () => {
  it('leaves no unacknowledged finding: synthesis passes and the plugin concludes success', () => {
    expect(findings(report.violations)).toEqual([]);
    expect(report.conclusion).toBe('success');
    expect(synthError).toBeUndefined();
  });

  it('acknowledges exactly the reviewed findings, each where it is', () => {
    const at = (suffix: string) => `BatchPredictionPoller/Poller/${suffix}`;
    const acknowledged = (report.suppressedViolations ?? []).flatMap((v) =>
      v.violatingConstructs.map(() => `${v.ruleName} @ ${v.acknowledgedAt}`),
    );
    expect(acknowledged.sort()).toEqual(
      [
        // Lambda in a VPC: the functions call public AWS APIs only.
        ...['PollFunction', 'ReportFailureFunction', 'StarterFunction'].map((fn) => `lambda_inside_vpc_check @ ${at(fn)}`),
        // One year of logs: retention is the logRetention prop (one month by default).
        ...['PollFunctionLogs', 'ReportFailureFunctionLogs', 'StarterFunctionLogs', 'StateMachineLogs'].map(
          (g) => `cloudwatch_log_group_retention_period_check @ ${at(g)}`,
        ),
        // The dead-letter queue of EventBridge and SNS denies SQS redrive into it.
        `sqs_dlq_check @ ${at('DeadLetterQueue')}`,
      ].sort(),
    );
  });

  it('each acknowledgement names its control and gives a specific reason', () => {
    for (const v of report.suppressedViolations ?? []) {
      const control = /^\[(CT\.[A-Z]+\.PR\.\d+)\]/.exec(v.description)?.[1];
      expect(control).toBeDefined();
      expect(v.reason).toContain(control!);
      expect(v.reason.length).toBeGreaterThanOrEqual(80);
    }
  });

  it('has no stale acknowledgement: each cfn-guard acknowledgement in the tree suppressed a finding', () => {
    const used = new Set((report.suppressedViolations ?? []).map((v) => `${GUARD}::${v.ruleName} @ ${v.acknowledgedAt}`));
    const declared = app.node.findAll().flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.keys(m.data as Record<string, string>)
            .filter((id) => id.startsWith(`${GUARD}::`))
            .map((id) => `${id} @ ${c.node.path}`),
        ),
    );
    expect(declared.length).toBeGreaterThan(0);
    expect(declared.filter((d) => !used.has(d))).toEqual([]);
  });

  it('acknowledges only what is there: with a year of logs and discovery off, no retention or starter acknowledgement', () => {
    const propsOutdir = fs.mkdtempSync(path.join(os.tmpdir(), 'poller-guard-props-'));
    try {
      const props = new App({ outdir: propsOutdir });
      const stack = new Stack(props, 'Props', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
      new BatchPredictionPoller(stack, 'Poller', { logRetention: logs.RetentionDays.ONE_YEAR, discovery: false });
      const { report: propsReport, error } = synthWithGuard(props, propsOutdir);
      expect(error).toBeUndefined();
      expect(findings(propsReport.violations)).toEqual([]);
      expect((propsReport.suppressedViolations ?? []).map((v) => `${v.ruleName} @ ${v.acknowledgedAt}`).sort()).toEqual(
        [
          'lambda_inside_vpc_check @ Props/Poller/PollFunction',
          'lambda_inside_vpc_check @ Props/Poller/ReportFailureFunction',
          'sqs_dlq_check @ Props/Poller/DeadLetterQueue',
        ].sort(),
      );
    } finally {
      fs.rmSync(propsOutdir, { recursive: true, force: true });
    }
  });

  it('reports an unacknowledged finding (the check itself): a queue without a dead-letter queue', () => {
    const controlOutdir = fs.mkdtempSync(path.join(os.tmpdir(), 'poller-guard-control-'));
    try {
      const control = new App({ outdir: controlOutdir });
      const stack = new Stack(control, 'Control', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
      new sqs.Queue(stack, 'Plain');
      const { report: controlReport, error } = synthWithGuard(control, controlOutdir);
      expect(error).toBeDefined();
      expect(findings(controlReport.violations)).toContain('[CT.SQS.PR.1] sqs_dlq_check @ Control/Plain/Resource');
    } finally {
      fs.rmSync(controlOutdir, { recursive: true, force: true });
    }
  });
});
