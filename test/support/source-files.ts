/** The repository's source files, as the tests that read imports walk them. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root. */
export const REPOSITORY_ROOT = path.join(__dirname, '..', '..');

/** Every source file under `folder` (repository-relative, `/`-separated), `node_modules` and `.d.ts` left out, sorted. */
export function sourcesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(REPOSITORY_ROOT, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(relative);
      } else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        found.push(relative);
      }
    }
  };
  walk(folder);
  return found.sort();
}
