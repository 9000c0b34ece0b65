/**
 * The installed package as the CLI sees it: its root and version, found the one way the package
 * finds its root (`lib/contract/package-root.ts`): the sources run from `cli/` under tsx, the
 * bundle from `assets/cli/` in an installed package.
 */
import { findPackage } from '../lib/contract/package-root';

/** The package's version, from its `package.json`. */
export function packageVersion(from: string = __dirname): string {
  return findPackage(from).manifest.version ?? 'unknown';
}
