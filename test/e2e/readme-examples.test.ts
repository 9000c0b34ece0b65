/**
 * The README's examples are real output: the quick start's demo timeline and the two example
 * events are what the built-in demo produces now. Stale blocks fail here; `npm run
 * readme-examples` rewrites them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../local/cli/cli';
import { DEMO_SCENARIO } from '../../local/scenarios/demo-scenario';
import { ReadmeMarkerError, readmeBlocks, readmeExamples, withExamples } from '../../local/cli/readme-examples';
import { LocalRuntime, type RunResult } from '../../local/runtime/runtime';

const README = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
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

describe('README.md examples', () => {
  it.each(['demo-timeline', 'status-change-event', 'polling-failed-event'] as const)(
    '%s is what the demo produces now (else: npm run readme-examples)',
    (name) => {
      expect(readmeBlocks(README)[name]).toBe(readmeExamples(result, runtime)[name]);
    },
  );

  it('the demo timeline block is the timeline npm start prints', async () => {
    const lines: string[] = [];
    expect(await main([], (line) => lines.push(...line.split('\n')))).toBe(0);
    const timeline = readmeBlocks(README)['demo-timeline'].split('\n').slice(1, -1);
    const start = lines.indexOf(timeline[0]);
    expect(start).toBeGreaterThan(-1);
    expect(lines.slice(start, start + timeline.length)).toEqual(timeline);
    // And all of it: the next line printed is the executions' heading.
    expect(lines.slice(start + timeline.length).find((line) => line !== '')).toBe('Executions:');
  }, 120_000);

  it('rewriting keeps everything outside the markers and is idempotent', () => {
    const examples = readmeExamples(result, runtime);
    const stale = README.replace(examples['demo-timeline'], '```\nold\n```');
    expect(stale).not.toBe(README);
    const rewritten = withExamples(stale, examples);
    expect(rewritten).toBe(withExamples(README, examples));
    expect(withExamples(rewritten, examples)).toBe(rewritten);
    expect(rewritten.split('<!-- readme-example:demo-timeline -->')[0]).toBe(README.split('<!-- readme-example:demo-timeline -->')[0]);
  });

  it.each([
    [
      'a missing marker',
      (text: string) => text.replace('<!-- readme-example:status-change-event -->', ''),
      /exactly one <!-- readme-example:status-change-event -->/,
    ],
    [
      'a repeated marker',
      (text: string) => `${text}\n<!-- readme-example:demo-timeline -->\n`,
      /exactly one <!-- readme-example:demo-timeline -->/,
    ],
    [
      'an unclosed block',
      (text: string) => text.replace('<!-- /readme-example:polling-failed-event -->', ''),
      /has no <!-- \/readme-example:polling-failed-event -->/,
    ],
  ])('names %s', (_case, edit, message) => {
    expect(() => readmeBlocks(edit(README))).toThrow(ReadmeMarkerError);
    expect(() => readmeBlocks(edit(README))).toThrow(message);
  });
});
