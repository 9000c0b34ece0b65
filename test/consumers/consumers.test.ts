/**
 * The packed tarball installed into fresh consumer apps, the way CDK users consume constructs:
 * each app is made here, installs the tarball with no esbuild and no Docker, synthesizes offline
 * and must deploy the very Lambda bundles the tarball ships. Run by `npm run test:consumers`
 * (which builds first), not by `npm test`: see the README's "Testing" section.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  PACKAGE_VERSION,
  ROOT,
  consumerEnv,
  expectNoEsbuild,
  install,
  lowestPeer,
  packTarball,
  pinned,
  pollerFunctions,
  run,
  writeFiles,
} from './support';

const TIMEOUT_MS = 600_000;
/** The pnpm the pnpm consumer installs with (from npm's cache, into a tools folder of the test). */
const PNPM_VERSION = '12.23.0';
/** ts-node, the classic `cdk init` template's runner (`ts-node --prefer-ts-exts`). */
const TS_NODE_VERSION = '10.9.2';
const STACK = 'ConsumerStack';

let work: string;
let tarball: string;
let extracted: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'poller-consumers-'));
  ({ tarball, extracted } = packTarball(work));
}, TIMEOUT_MS);

afterAll(() => {
  if (work !== undefined) fs.rmSync(work, { recursive: true, force: true });
});

/** A new, empty consumer folder. */
function consumerDir(name: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  return dir;
}

/** Every poller function of the app's template runs on nodejs24.x from a staged copy of the tarball's bundle. */
function expectShippedAssets(assemblyDir: string): void {
  const functions = pollerFunctions(assemblyDir, STACK);
  expect(functions.map((f) => f.asset).sort()).toEqual([
    'assets/lambda/poll-handler/index.js',
    'assets/lambda/report-failure-handler/index.js',
    'assets/lambda/starter-handler/index.js',
  ]);
  for (const fn of functions) {
    expect(fn.runtime).toBe('nodejs24.x');
    const shipped = fs.readFileSync(path.join(extracted, fn.asset));
    expect(fs.readFileSync(fn.stagedFile).equals(shipped)).toBe(true);
    // ... and the tarball's file is the repository's build output.
    expect(shipped.equals(fs.readFileSync(path.join(ROOT, fn.asset)))).toBe(true);
  }
}

/** The installed copy resolves the consumer's aws-cdk-lib: no nested second copy. */
function expectNoNestedCopies(dir: string): void {
  const installed = fs.realpathSync(path.join(dir, 'node_modules', 'batch-prediction-poller'));
  expect(fs.existsSync(path.join(installed, 'node_modules', 'aws-cdk-lib'))).toBe(false);
  expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).version).toBe(PACKAGE_VERSION);
}

/** A plain JavaScript CDK app (no TypeScript anywhere) that synthesizes the poller into `cdk.out`. */
const PLAIN_JS_APP = `const { App, Duration, Stack } = require('aws-cdk-lib');
const { BatchPredictionPoller, PollInterval } = require('batch-prediction-poller');
const { DetailType } = require('batch-prediction-poller/events');

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, '${STACK}', { env: { account: '123456789012', region: 'us-east-1' } });
new BatchPredictionPoller(stack, 'Poller', { pollInterval: PollInterval.fixed(Duration.seconds(60)) });
app.synth();
console.log('synthesized; subscribers match', DetailType.STATUS_CHANGE);
`;

/** A plain-JS consumer with the given aws-cdk-lib and constructs, installed by npm. */
function plainJsConsumer(name: string, versions: { cdk: string; constructs: string }): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = consumerDir(name);
  const env = consumerEnv(dir);
  writeFiles(dir, {
    'package.json': {
      name,
      version: '0.1.0',
      private: true,
      dependencies: { 'aws-cdk-lib': versions.cdk, constructs: versions.constructs, 'batch-prediction-poller': `file:${tarball}` },
    },
    'bin/app.js': PLAIN_JS_APP,
  });
  install('npm', [], dir, env);
  return { dir, env };
}

describe('the tarball', () => {
  it('has no runtime dependencies besides its peers, and ships no sources, tests or tarballs', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(extracted, 'package.json'), 'utf8'));
    expect(manifest.dependencies).toBeUndefined();
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
    expect(manifest.scripts.postinstall).toBeUndefined();
    const top = fs.readdirSync(extracted).sort();
    for (const absent of ['lib', 'lambda', 'local', 'test', 'scripts', '.ci', 'node_modules', 'tsconfig.json'])
      expect(top).not.toContain(absent);
    expect(top.filter((f) => f.endsWith('.tgz'))).toEqual([]);
    for (const present of ['dist', 'assets', 'schemas', 'docs', 'LICENSE', 'README.md', 'CHANGELOG.md', 'package.json'])
      expect(top).toContain(present);
  });
});

describe('the classic `cdk init app --language typescript` layout (ts-node --prefer-ts-exts, commonjs), npm', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = consumerDir('classic-ts');
    env = consumerEnv(dir);
    writeFiles(dir, {
      'package.json': {
        name: 'my-app',
        version: '0.1.0',
        bin: { 'my-app': 'bin/my-app.js' },
        scripts: { build: 'tsc', watch: 'tsc -w', test: 'jest', cdk: 'cdk' },
        devDependencies: {
          '@types/aws-lambda': pinned('@types/aws-lambda'),
          '@types/jest': pinned('@types/jest'),
          '@types/node': pinned('@types/node'),
          'aws-cdk': pinned('aws-cdk'),
          jest: pinned('jest'),
          'ts-jest': pinned('ts-jest'),
          'ts-node': TS_NODE_VERSION,
          typescript: pinned('typescript'),
        },
        dependencies: {
          'aws-cdk-lib': pinned('aws-cdk-lib'),
          constructs: pinned('constructs'),
          'batch-prediction-poller': `file:${tarball}`,
        },
      },
      // The classic template's compiler options: commonjs, node10 module resolution (so `exports`
      // is not read: `typesVersions` must carry the `./events` types) and no skipLibCheck (the
      // package's declarations are type-checked under the consumer's flags).
      'tsconfig.json': {
        compilerOptions: {
          target: 'ES2020',
          module: 'commonjs',
          lib: ['es2020', 'dom'],
          declaration: true,
          strict: true,
          noImplicitAny: true,
          strictNullChecks: true,
          noImplicitThis: true,
          alwaysStrict: true,
          noUnusedLocals: false,
          noUnusedParameters: false,
          noImplicitReturns: true,
          noFallthroughCasesInSwitch: false,
          inlineSourceMap: true,
          inlineSources: true,
          experimentalDecorators: true,
          strictPropertyInitialization: false,
          typeRoots: ['./node_modules/@types'],
        },
        exclude: ['node_modules', 'cdk.out'],
      },
      'cdk.json': { app: 'npx ts-node --prefer-ts-exts bin/my-app.ts' },
      'jest.config.js': `module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\\\.tsx?$': 'ts-jest' },
};
`,
      'bin/my-app.ts': `#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { MyAppStack } from '../lib/my-app-stack';

const app = new cdk.App();
new MyAppStack(app, '${STACK}', { env: { account: '123456789012', region: 'us-east-1' } });
`,
      'lib/my-app-stack.ts': `import * as cdk from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BatchPredictionPoller, PollInterval } from 'batch-prediction-poller';

export class MyAppStack extends cdk.Stack {
  public readonly poller: BatchPredictionPoller;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    this.poller = new BatchPredictionPoller(this, 'Poller', { pollInterval: PollInterval.adaptive() });
  }
}
`,
      // A subscriber's handler, typed with the ./events entry (the README's example).
      'lambda/on-status-change.ts': `import type { EventBridgeEvent } from 'aws-lambda';
import { DetailType, type StatusChangeDetail, isTerminalStatus } from 'batch-prediction-poller/events';

export async function handler(event: EventBridgeEvent<typeof DetailType.STATUS_CHANGE, StatusChangeDetail>): Promise<string> {
  const { batchPredictionId, status } = event.detail;
  return isTerminalStatus(status) ? \`\${batchPredictionId} finished: \${status}\` : \`\${batchPredictionId} is \${status}\`;
}
`,
      'test/my-app.test.ts': `import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MyAppStack } from '../lib/my-app-stack';

test('the poller is in the stack, its functions on nodejs24.x arm64', () => {
  const app = new cdk.App();
  const stack = new MyAppStack(app, 'MyTestStack', { env: { account: '123456789012', region: 'us-east-1' } });
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
  expect(Object.keys(template.findResources('AWS::Lambda::Function', { Metadata: { 'batch-prediction-poller:handler': {} } }))).toHaveLength(3);
});
`,
    });
    install('npm', [], dir, env);
  }, TIMEOUT_MS);

  it('installs no esbuild and no second aws-cdk-lib', () => {
    expectNoEsbuild(dir, env);
    expectNoNestedCopies(dir);
  });

  it("type-checks with the consumer's tsc and flags: the construct, the stack and a subscriber typed with ./events", () => {
    run('npx', ['tsc', '--noEmit'], dir, env);
  });

  it("`cdk synth` synthesizes the stack offline, its functions running the tarball's bundles", () => {
    run('npx', ['cdk', 'synth', '--no-notices', '--quiet'], dir, env);
    expectShippedAssets(path.join(dir, 'cdk.out'));
  });

  it("the app's own jest test passes, with Template.fromStack", () => {
    run('npx', ['jest', '--ci'], dir, env);
  });
});

describe('a plain JavaScript app, npm', () => {
  it(
    'synthesizes with `node`, deploying the shipped bundles; ./events loads from it',
    () => {
      const { dir, env } = plainJsConsumer('plain-js', { cdk: pinned('aws-cdk-lib'), constructs: pinned('constructs') });
      expectNoEsbuild(dir, env);
      expectNoNestedCopies(dir);
      expect(run('node', ['bin/app.js'], dir, env)).toContain('subscribers match Batch Prediction Status Change');
      expectShippedAssets(path.join(dir, 'cdk.out'));
    },
    TIMEOUT_MS,
  );
});

describe("the lowest supported aws-cdk-lib and constructs (the peer ranges' floors), npm", () => {
  it(
    'synthesizes on them, deploying the shipped bundles',
    () => {
      const versions = { cdk: lowestPeer('aws-cdk-lib'), constructs: lowestPeer('constructs') };
      const { dir, env } = plainJsConsumer('lowest-peers', versions);
      expect(
        run(
          'node',
          ['-p', "require('aws-cdk-lib/package.json').version + ' ' + require('constructs/package.json').version"],
          dir,
          env,
        ).trim(),
      ).toBe(`${versions.cdk} ${versions.constructs}`);
      expectNoEsbuild(dir, env);
      expectNoNestedCopies(dir);
      run('node', ['bin/app.js'], dir, env);
      expectShippedAssets(path.join(dir, 'cdk.out'));
    },
    TIMEOUT_MS,
  );
});

describe('a plain JavaScript app, pnpm (strict, symlinked node_modules)', () => {
  it(
    'installs and synthesizes, deploying the shipped bundles',
    () => {
      const tools = consumerDir('tools');
      const env = consumerEnv(tools);
      writeFiles(tools, { 'package.json': { name: 'tools', version: '0.0.0', private: true } });
      install('npm', ['--save-exact', `pnpm@${PNPM_VERSION}`], tools, env);
      const pnpm = path.join(tools, 'node_modules', '.bin', 'pnpm');

      const dir = consumerDir('pnpm-js');
      writeFiles(dir, {
        'package.json': {
          name: 'pnpm-js',
          version: '0.1.0',
          private: true,
          dependencies: {
            'aws-cdk-lib': pinned('aws-cdk-lib'),
            constructs: pinned('constructs'),
            'batch-prediction-poller': `file:${tarball}`,
          },
        },
        'bin/app.js': PLAIN_JS_APP,
      });
      install(pnpm, ['--reporter=silent'], dir, env);
      expectNoEsbuild(dir, env);
      expectNoNestedCopies(dir);
      run('node', ['bin/app.js'], dir, env);
      expectShippedAssets(path.join(dir, 'cdk.out'));
    },
    TIMEOUT_MS,
  );
});

describe("a subscriber's Lambda project: ./events alone", () => {
  it(
    'installs with no peers and nothing else, and `require("batch-prediction-poller/events")` loads without aws-cdk-lib',
    () => {
      const dir = consumerDir('subscriber');
      const env = consumerEnv(dir);
      writeFiles(dir, { 'package.json': { name: 'subscriber', version: '0.1.0', private: true } });
      install('npm', ['--omit=peer', tarball], dir, env);
      expect(fs.readdirSync(path.join(dir, 'node_modules')).filter((f) => !f.startsWith('.'))).toEqual(['batch-prediction-poller']);
      const script = [
        "for (const m of ['aws-cdk-lib', 'constructs', '@aws-sdk/client-eventbridge']) {",
        "  try { require.resolve(m); console.log('RESOLVABLE ' + m); process.exit(3); } catch {}",
        '}',
        "const events = require('batch-prediction-poller/events');",
        'console.log(JSON.stringify({',
        '  detailType: events.DetailType.STATUS_CHANGE,',
        '  statuses: events.ALL_STATUSES,',
        '  schemas: events.EVENT_SCHEMAS.map((s) => s.detailType),',
        "  arn: events.batchPredictionArn('aws', 'us-east-1', '123456789012', 'bp-1'),",
        '  loaded: Object.keys(require.cache).filter((f) => !f.includes("batch-prediction-poller")).length,',
        '}));',
      ].join('\n');
      expect(JSON.parse(run('node', ['-e', script], dir, env))).toEqual({
        detailType: 'Batch Prediction Status Change',
        statuses: ['PENDING', 'INPROGRESS', 'COMPLETED', 'FAILED', 'DELETED'],
        schemas: ['Batch Prediction Status Change', 'Batch Prediction Polling Failed'],
        arn: 'arn:aws:machinelearning:us-east-1:123456789012:batchprediction/bp-1',
        loaded: 0,
      });
    },
    TIMEOUT_MS,
  );
});
