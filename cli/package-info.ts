/**
 * The installed package as the CLI sees it: its root and version. Found by walking up to the
 * nearest `package.json` named `batch-prediction-poller`, never by a fixed `__dirname` depth: the
 * sources run from `cli/` under tsx, the bundle from `assets/cli/` in an installed package.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package's name, as its `package.json` spells it. */
export const PACKAGE_NAME = 'batch-prediction-poller';

/** The package root could not be found above a directory: the install is broken. */
export class PackageRootNotFoundError extends Error {
  constructor(readonly from: string) {
    super(`no package.json named ${PACKAGE_NAME} above ${from}: reinstall the package (npm install ${PACKAGE_NAME})`);
    this.name = 'PackageRootNotFoundError';
  }
}

/** The `package.json` of the package holding `from`, and the directory it is in. @throws PackageRootNotFoundError */
export function findPackage(from: string = __dirname): { readonly root: string; readonly manifest: { version?: string } } {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === PACKAGE_NAME) return { root: dir, manifest };
    }
    if (path.dirname(dir) === dir) throw new PackageRootNotFoundError(from);
  }
}

/** The package's version, from its `package.json`. */
export function packageVersion(from: string = __dirname): string {
  return findPackage(from).manifest.version ?? 'unknown';
}
