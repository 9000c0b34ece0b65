import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LambdaAssetsMissingError } from '../../lib/poller/lambda-assets';
import { lambdaAssetDir, packageRoot } from '../../lib/poller/lambda-assets';
import { thrownBy } from './synth';

const ROOT = path.resolve(__dirname, '..', '..');

describe('where the construct finds its Lambda bundles', () => {
  let temp: string;
  beforeEach(() => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'poller-assets-'));
  });
  afterEach(() => fs.rmSync(temp, { recursive: true, force: true }));

  it.each([
    ['lib/poller (the sources, under ts-jest and tsx)', path.join(ROOT, 'lib', 'poller')],
    ['dist/poller (the compiled package)', path.join(ROOT, 'dist', 'poller')],
    ['the package root itself', ROOT],
  ])('walks up from %s to the package.json named batch-prediction-poller', (_where, from) => {
    expect(packageRoot(from)).toBe(ROOT);
  });

  it('skips a package.json of another name on the way up (an installed copy under a consumer)', () => {
    const installed = path.join(temp, 'node_modules', 'batch-prediction-poller');
    fs.mkdirSync(path.join(installed, 'dist', 'poller'), { recursive: true });
    fs.writeFileSync(path.join(temp, 'package.json'), JSON.stringify({ name: 'consumer-app' }));
    fs.writeFileSync(path.join(installed, 'package.json'), JSON.stringify({ name: 'batch-prediction-poller' }));
    fs.writeFileSync(path.join(installed, 'dist', 'package.json'), JSON.stringify({ type: 'commonjs' }));
    expect(packageRoot(path.join(installed, 'dist', 'poller'))).toBe(installed);
  });

  it('fails with LambdaAssetsMissingError when no package.json above is ours', () => {
    const error = thrownBy(() => packageRoot(temp));
    expect(error).toBeInstanceOf(LambdaAssetsMissingError);
    expect(error.name).toBe('LambdaAssetsMissingError');
    expect(error.message).toContain('no package.json named batch-prediction-poller');
  });

  it('fails with LambdaAssetsMissingError naming the file and `npm run build` when a bundle was not built', () => {
    fs.writeFileSync(path.join(temp, 'package.json'), JSON.stringify({ name: 'batch-prediction-poller' }));
    const error = thrownBy(() => lambdaAssetDir('poll-handler', temp));
    expect(error.name).toBe('LambdaAssetsMissingError');
    expect(error.message).toBe(
      `The Lambda bundle assets/lambda/poll-handler/index.js is missing from ${temp}: run \`npm run build\` in the repository (an installed package ships it; reinstall it if it was removed)`,
    );
  });
});
