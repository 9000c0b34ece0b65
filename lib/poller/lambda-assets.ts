import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package's name in its `package.json`: how {@link packageRoot} recognizes it. */
export const PACKAGE_NAME = 'batch-prediction-poller';

/** Where `npm run build:lambda` writes the handler bundles, relative to the package root. */
export const LAMBDA_ASSETS_DIR = 'assets/lambda';

/**
 * A handler bundle the construct deploys is not there: the package was used from a clone that was
 * never built, or the build failed. Named so that an app can tell it from a bad setting.
 * TypeScript and JavaScript only (jsii cannot represent a subclass of `Error`).
 * @jsii ignore
 */
export class LambdaAssetsMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LambdaAssetsMissingError';
  }
}

/**
 * The directory of the nearest `package.json` named {@link PACKAGE_NAME} at or above `from`. The
 * sources run from `lib/` (tests, the repository's own `cdk synth`) and from `dist/` when installed,
 * so a fixed `__dirname` depth would be wrong in one of the two.
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // An unreadable package.json is not ours: keep walking up.
      }
    }
    if (path.dirname(dir) === dir) throw new LambdaAssetsMissingError(`no package.json named ${PACKAGE_NAME} at or above ${from}`);
  }
}

/**
 * The asset directory of a handler bundle, `<package root>/assets/lambda/<entry>`, checked to
 * hold its `index.js`.
 *
 * @param entry a handler entry, e.g. `poll-handler`
 * @throws LambdaAssetsMissingError when the bundle is missing
 */
export function lambdaAssetDir(entry: string, root: string = packageRoot()): string {
  const dir = path.join(root, LAMBDA_ASSETS_DIR, entry);
  if (!fs.existsSync(path.join(dir, 'index.js')))
    throw new LambdaAssetsMissingError(
      `The Lambda bundle ${path.join(LAMBDA_ASSETS_DIR, entry, 'index.js')} is missing from ${root}: ` +
        'run `npm run build` in the repository (an installed package ships it; reinstall it if it was removed)',
    );
  return dir;
}
