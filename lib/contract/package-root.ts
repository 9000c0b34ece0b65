/**
 * The one way to find the package's root: the nearest `package.json` named
 * `batch-prediction-poller` at or above a directory. The sources run from `lib/`, `lambda/`,
 * `local/` and `cli/` in a clone, the build from `dist/` and `assets/cli/` when installed, so a
 * fixed `__dirname` depth would be wrong in one of them. Imported by its own path (it uses
 * `node:fs`, which the `./events` entry and the Lambda bundles do without).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package's name, as its `package.json` spells it. */
export const PACKAGE_NAME = 'batch-prediction-poller';

/** No `package.json` named {@link PACKAGE_NAME} at or above a directory: the install is broken. */
export class PackageRootNotFoundError extends Error {
  constructor(readonly from: string) {
    super(`no package.json named ${PACKAGE_NAME} above ${from}: reinstall the package (npm install ${PACKAGE_NAME})`);
    this.name = 'PackageRootNotFoundError';
  }
}

/** The package's root and its manifest, found from `from`. @throws PackageRootNotFoundError */
export function findPackage(from: string): { readonly root: string; readonly manifest: { readonly version?: string } } {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      try {
        const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: string };
        if (manifest.name === PACKAGE_NAME) return { root: dir, manifest };
      } catch {
        // An unreadable package.json is not ours: keep walking up.
      }
    }
    if (path.dirname(dir) === dir) throw new PackageRootNotFoundError(from);
  }
}

/** The package's root directory, found from `from`. @throws PackageRootNotFoundError */
export function packageRoot(from: string): string {
  return findPackage(from).root;
}
