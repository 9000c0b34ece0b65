/**
 * The documentation's examples are real output: the README quick start's demo timeline and the
 * two example events in docs/events.md are what the built-in demo produces now. Stale blocks fail
 * here; `npm run readme-examples` rewrites them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../local/cli/cli';
import { DEMO_SCENARIO } from '../../local/scenarios/demo-scenario';
import { EXAMPLE_FILES, ReadmeMarkerError, readmeBlocks, readmeExamples, withExamples } from '../../local/cli/readme-examples';
import { LocalRuntime, type RunResult } from '../../local/runtime/runtime';

const PAGES: Readonly<Record<string, string>> = Object.fromEntries(
  [...new Set(Object.values(EXAMPLE_FILES))].map((file) => [file, fs.readFileSync(path.resolve(__dirname, '..', '..', file), 'utf8')]),
);
const README = PAGES['README.md'];
/** The pages with one page's text edited. */
const editing = (file: string, edit: (text: string) => string) => ({ ...PAGES, [file]: edit(PAGES[file]) });
let runtime: LocalRuntime;
let result: RunResult;

beforeAll(async () => {
  runtime = await LocalRuntime.start(DEMO_SCENARIO);
  try {
    result = await runtime.run();
  } finally {
    await runtime.stop();
  }
}, 120_000);

describe('documentation examples (README.md, docs/events.md)', () => {
  it.each(['demo-timeline', 'status-change-event', 'polling-failed-event'] as const)(
    '%s is what the demo produces now (else: npm run readme-examples)',
    (name) => {
      expect(readmeBlocks(PAGES)[name]).toBe(readmeExamples(result, runtime)[name]);
    },
  );

  it('the demo timeline block is the timeline npm start prints', async () => {
    const lines: string[] = [];
    expect(await main([], (line) => lines.push(...line.split('\n')))).toBe(0);
    const timeline = readmeBlocks(PAGES)['demo-timeline'].split('\n').slice(1, -1);
    const start = lines.indexOf(timeline[0]);
    expect(start).toBeGreaterThan(-1);
    expect(lines.slice(start, start + timeline.length)).toEqual(timeline);
    // And all of it: the next line printed is the executions' heading.
    expect(lines.slice(start + timeline.length).find((line) => line !== '')).toBe('Executions:');
  }, 120_000);

  it('rewriting keeps everything outside the markers and is idempotent', () => {
    const examples = readmeExamples(result, runtime);
    const stale = editing('README.md', (text) => text.replace(examples['demo-timeline'], '```\nold\n```'));
    expect(stale['README.md']).not.toBe(README);
    const rewritten = withExamples(stale, examples);
    expect(rewritten).toEqual(withExamples(PAGES, examples));
    expect(withExamples(rewritten, examples)).toEqual(rewritten);
    expect(rewritten['README.md'].split('<!-- readme-example:demo-timeline -->')[0]).toBe(
      README.split('<!-- readme-example:demo-timeline -->')[0],
    );
  });

  it.each([
    [
      'a missing marker',
      'docs/events.md',
      (text: string) => text.replace('<!-- readme-example:status-change-event -->', ''),
      /exactly one <!-- readme-example:status-change-event -->/,
    ],
    [
      'a repeated marker',
      'README.md',
      (text: string) => `${text}\n<!-- readme-example:demo-timeline -->\n`,
      /exactly one <!-- readme-example:demo-timeline -->/,
    ],
    [
      'an unclosed block',
      'docs/events.md',
      (text: string) => text.replace('<!-- /readme-example:polling-failed-event -->', ''),
      /has no <!-- \/readme-example:polling-failed-event -->/,
    ],
  ])('names %s (in %s)', (_case, file, edit, message) => {
    expect(() => readmeBlocks(editing(file, edit))).toThrow(ReadmeMarkerError);
    expect(() => readmeBlocks(editing(file, edit))).toThrow(message);
    expect(() => readmeBlocks(editing(file, edit))).toThrow(file);
  });
});
