import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { BatchPredictionPollerStack } from '../../lib/batch-prediction-poller-stack';
import { synth } from './synth';

/**
 * The one test that runs esbuild for real (every other synthesis skips bundling): it proves the
 * Lambda assets are self-contained, minified bundles. Local esbuild (the devDependency) is used,
 * so it works offline and without Docker.
 */
const TIMEOUT_MS = 120_000;

let outdir: string;
let template: Template;
let stack: BatchPredictionPollerStack;
let assetDirs: Map<string, string>;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'poller-bundling-'));
  // CDK falls back to Docker when local bundling fails; a Docker that cannot exist makes that
  // fallback fail loudly, so a passing synthesis proves local esbuild did the bundling.
  const dockerBefore = process.env.CDK_DOCKER;
  process.env.CDK_DOCKER = path.join(outdir, 'no-docker-here');
  let app;
  try {
    ({ app, template, stack } = synth({ bundle: true, outdir }));
  } finally {
    if (dockerBefore === undefined) delete process.env.CDK_DOCKER;
    else process.env.CDK_DOCKER = dockerBefore;
  }
  const assembly = app.synth(); // already synthesized by Template.fromStack: returns the same assembly

  // Asset folder of each file asset, keyed by the S3 object key the template's Code.S3Key names.
  assetDirs = new Map();
  for (const artifact of assembly.artifacts.filter(cxapi.AssetManifestArtifact.isAssetManifestArtifact)) {
    for (const asset of Object.values(artifact.contents.files ?? {})) {
      for (const destination of Object.values(asset.destinations)) {
        assetDirs.set(destination.objectKey, path.resolve(assembly.directory, asset.source.path!));
      }
    }
  }
}, TIMEOUT_MS);

afterAll(() => {
  if (outdir !== undefined) fs.rmSync(outdir, { recursive: true, force: true });
});

/** The bundled `index.js` of a function, found through its Code.S3Key. */
function bundleOf(fn: (s: BatchPredictionPollerStack) => { node: { defaultChild?: unknown } }): { dir: string; code: string } {
  const cfn = fn(stack).node.defaultChild as { logicalId: string };
  const id = stack.resolve(cfn.logicalId) as string;
  const s3Key = template.toJSON().Resources[id].Properties.Code.S3Key as string;
  const dir = assetDirs.get(s3Key);
  if (dir === undefined) throw new Error(`no asset for ${id} (S3Key ${s3Key}); assets: ${[...assetDirs.keys()].join(', ')}`);
  return { dir, code: fs.readFileSync(path.join(dir, 'index.js'), 'utf8') };
}

describe.each([
  // [function, SDK operations it calls: their names only appear in the bundle if the client is bundled]
  ['poll', (s: BatchPredictionPollerStack) => s.poller.pollFunction, ['GetBatchPrediction', 'PutItem', 'PutEvents']],
  ['report-failure', (s: BatchPredictionPollerStack) => s.poller.reportFailureFunction, ['PutEvents']],
])('%s function bundle', (_name, fn, operations) => {
  it(
    'is a single index.js with no source map',
    () => {
      const { dir } = bundleOf(fn);
      expect(fs.readdirSync(dir)).toEqual(['index.js']);
    },
    TIMEOUT_MS,
  );

  it(
    'bundles the SDK clients it uses instead of leaving them external',
    () => {
      const { code } = bundleOf(fn);
      for (const operation of operations) expect(code).toContain(operation);
      // The Node 22 runtime's built-in SDK v3 lacks the Amazon ML client, so nothing of the SDK,
      // Smithy or Powertools may be required at run time. (`@aws-sdk/signature-v4-crt` does appear in
      // `require("...")` form, but only inside an SDK error message, so it is not in this list.)
      expect(code).not.toMatch(/require\("@aws-sdk\/(client-|lib-|util-dynamodb|core|credential-provider)/);
      expect(code).not.toMatch(/require\("@smithy\//);
      expect(code).not.toMatch(/require\("@aws-lambda-powertools\//);
    },
    TIMEOUT_MS,
  );

  it(
    'is minified',
    () => {
      const { code } = bundleOf(fn);
      const lines = code.split('\n').length;
      // Unminified esbuild output averages ~40 characters a line; minified code only breaks lines
      // inside template literals that span several.
      expect(lines).toBeLessThan(500);
      expect(code.length / lines).toBeGreaterThan(2000);
      expect(code).not.toContain('sourceMappingURL');
    },
    TIMEOUT_MS,
  );

  it(
    'loads in a bare Node.js process, with no node_modules in reach, and exports `handler`',
    () => {
      const { dir } = bundleOf(fn);
      const script = [
        // Guard: the test proves nothing if the SDK could still be resolved from here.
        "try { require.resolve('@aws-sdk/client-eventbridge'); console.log('SDK_RESOLVABLE'); process.exit(3); } catch {}",
        "const m = require('./index.js');",
        "console.log(typeof m.handler);",
      ].join('\n');
      const output = execFileSync(process.execPath, ['-e', script], {
        cwd: dir,
        // A clean environment: no NODE_PATH, no NODE_OPTIONS (jest's), dummy region for SDK clients.
        env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(output.trim()).toBe('function');
    },
    TIMEOUT_MS,
  );
});
