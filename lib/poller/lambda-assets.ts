import * as fs from 'node:fs';
import * as path from 'node:path';
import { PackageRootNotFoundError, packageRoot as findPackageRoot } from '../contract/package-root';

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
 * The package's root, from the sources (`lib/`, tests and the repository's own `cdk synth`) or the
 * build (`dist/`, installed). A missing root is a missing bundle to the construct's users.
 *
 * @throws LambdaAssetsMissingError when no package.json of the package is above `from`
 */
export function packageRoot(from: string = __dirname): string {
  try {
    return findPackageRoot(from);
  } catch (error) {
    if (error instanceof PackageRootNotFoundError) throw new LambdaAssetsMissingError(error.message);
    throw error;
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
