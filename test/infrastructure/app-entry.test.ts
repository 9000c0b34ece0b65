/**
 * The app entry as the CDK CLI runs it (`cdk.json` "app": `npx tsx bin/app.ts`, context in the
 * CDK_CONTEXT_JSON environment variable): a bad context value prints one `error:` line naming the
 * key, the value and the fix, and exits non-zero, without a stack trace.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEST_ACCOUNT, TEST_REGION, contextFromCdkJson } from './synth';

const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs `bin/app.ts` the way `cdk synth -c key=value` does. */
function runApp(
  context: Record<string, unknown>,
  outdir: string,
  region = TEST_REGION,
): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(TSX, [path.join(ROOT, 'bin', 'app.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify({ ...contextFromCdkJson(), ...context }),
      CDK_OUTDIR: outdir,
      CDK_DEFAULT_ACCOUNT: TEST_ACCOUNT,
      CDK_DEFAULT_REGION: region,
    },
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

let outdir: string;
beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'poller-app-entry-'));
});
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('bin/app.ts with a bad context value', () => {
  it.each([
    [
      'pollInterval',
      'abc',
      'error: Context "pollInterval" must be "adaptive" or a whole number of seconds ≥ 1, got "abc"; e.g. -c pollInterval=60',
    ],
    ['discovery', 'maybe', 'error: Context "discovery" must be true or false, got "maybe"; e.g. -c discovery=false'],
  ])('-c %s=%s prints exactly one line naming the key, the value and the fix, and exits 1', (key, value, line) => {
    const { status, stderr, stdout } = runApp({ [key]: value }, outdir);
    expect(stderr).toBe(`${line}\n`);
    expect(stdout).toBe('');
    expect(status).toBe(1);
  });
});

describe('bin/app.ts in a region Amazon ML does not run in', () => {
  it('prints exactly one line naming the regions it runs in, and exits 1', () => {
    const { status, stderr, stdout } = runApp({}, outdir, 'eu-central-1');
    expect(stderr).toBe(
      "error: Amazon ML does not run in eu-central-1; it runs only in us-east-1, eu-west-1. Deploy the stack to one of them (e.g. CDK_DEFAULT_REGION or env.region), or set 'machineLearningRegions' if Amazon ML has added eu-central-1.\n",
    );
    expect(stdout).toBe('');
    expect(status).toBe(1);
  });
});
