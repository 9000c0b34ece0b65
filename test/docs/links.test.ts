/**
 * The documentation's relative links resolve: every `[text](target)` in README.md, CONTRIBUTING.md,
 * CHANGELOG.md and docs/*.md that is not a URL names a file of the repository, and its `#anchor`, if
 * any, is a heading of that page as GitHub renders anchors. The README stays a front page.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
].sort();

/** The page's text with fenced code blocks blanked (links and headings there are not rendered). */
function rendered(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/^```[^\n]*\n[\s\S]*?^```$/gm, (block) => block.replace(/[^\n]/g, ' '));
}

/**
 * GitHub's heading anchors: lower case, inline code marks and punctuation dropped (letters, digits,
 * spaces, `-` and `_` kept), spaces to `-`; a repeated heading gets `-1`, `-2`, ….
 */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, title] of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    const text = title.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

/** Every inline link `[text](target)`, the text possibly over several lines; images too. */
function linksOf(markdown: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  for (const match of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    links.push({ target: match[1], line: markdown.slice(0, match.index).split('\n').length });
  }
  return links;
}

const isUrl = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe('documentation links', () => {
  it.each(PAGES)('%s: every relative link and anchor resolves', (page) => {
    const broken: string[] = [];
    for (const { target, line } of linksOf(rendered(page))) {
      if (isUrl(target)) continue;
      const [file, anchor] = target.split('#') as [string, string | undefined];
      const resolved = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
      const absolute = path.join(ROOT, resolved);
      if (!fs.existsSync(absolute)) {
        broken.push(`${page}:${line}: ${target} (no file ${resolved})`);
        continue;
      }
      if (anchor !== undefined && !anchorsOf(rendered(resolved)).has(anchor)) {
        broken.push(`${page}:${line}: ${target} (no heading #${anchor} in ${resolved})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every docs/ page is linked from the README', () => {
    const readme = rendered('README.md');
    const linked = new Set(linksOf(readme).map(({ target }) => target.split('#')[0]));
    expect(PAGES.filter((p) => p.startsWith('docs/') && !linked.has(p))).toEqual([]);
  });

  it('the README is a front page: at most 400 lines', () => {
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(400);
  });

  it.each([
    ['# How it works', 'how-it-works'],
    ['## `Batch Prediction Status Change`', 'batch-prediction-status-change'],
    ['## Deploy and install', 'deploy-and-install'],
    ['### Step Functions', 'step-functions'],
    ['## Run deadline.', 'run-deadline'],
  ])('anchors a heading as GitHub does: %s → #%s', (heading, anchor) => {
    expect(anchorsOf(`${heading}\n`)).toEqual(new Set([anchor]));
  });

  it('numbers a repeated heading', () => {
    expect(anchorsOf('## Notes\n## Notes\n')).toEqual(new Set(['notes', 'notes-1']));
  });
});
