import { DetailType } from '../../lib/contract/events';
import type { LocalRuntime, RunResult } from '../runtime/runtime';
import { timelineLines } from './timeline';

/**
 * The documentation's examples, generated from a real run of the built-in demo: the quick start's
 * timeline (as `npm start` prints it, in README.md) and one event of each detail type (in
 * docs/events.md). Each sits between `<!-- readme-example:NAME -->` and
 * `<!-- /readme-example:NAME -->`, as a fenced block.
 */
export interface ReadmeExamples {
  readonly 'demo-timeline': string;
  readonly 'status-change-event': string;
  readonly 'polling-failed-event': string;
}

/** An example's marker is missing, repeated or unclosed. */
export class ReadmeMarkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadmeMarkerError';
  }
}

/** The examples from a finished run of the built-in demo. */
export function readmeExamples(result: RunResult, runtime: Pick<LocalRuntime, 'clock' | 'deployment'>): ReadmeExamples {
  const envelopeOf = (detailType: string, pick: (detail: Record<string, unknown>) => boolean) => {
    const found = result.events.find((e) => e.envelope['detail-type'] === detailType && pick(e.envelope.detail));
    if (found === undefined) throw new Error(`The demo published no ${detailType} event to show`);
    return JSON.stringify(found.envelope, null, 2);
  };
  return {
    'demo-timeline': fenced('', timelineLines(result, runtime).join('\n')),
    // The completed job: the richest snapshot (counts, output, times).
    'status-change-event': fenced(
      'json',
      envelopeOf(DetailType.STATUS_CHANGE, (d) => d.status === 'COMPLETED'),
    ),
    'polling-failed-event': fenced(
      'json',
      envelopeOf(DetailType.POLLING_FAILED, () => true),
    ),
  };
}

function fenced(language: string, body: string): string {
  return `\`\`\`${language}\n${body}\n\`\`\``;
}

/** The page each example sits in (repository-relative). */
export const EXAMPLE_FILES: Readonly<Record<keyof ReadmeExamples, string>> = {
  'demo-timeline': 'README.md',
  'status-change-event': 'docs/events.md',
  'polling-failed-event': 'docs/events.md',
};

/** Pages by repository-relative path: `EXAMPLE_FILES`' values at least. */
export type DocumentPages = Readonly<Record<string, string>>;

/** The text between each example's markers, by name (what the pages say now). */
export function readmeBlocks(pages: DocumentPages): Record<keyof ReadmeExamples, string> {
  const blocks = {} as Record<keyof ReadmeExamples, string>;
  for (const name of EXAMPLE_NAMES) {
    const text = pageOf(pages, name);
    const { start, end } = markerRange(text, name, EXAMPLE_FILES[name]);
    blocks[name] = text.slice(start, end).trim();
  }
  return blocks;
}

/** The pages with every example's block replaced by `examples` (pages without one are kept). */
export function withExamples(pages: DocumentPages, examples: ReadmeExamples): Record<string, string> {
  const rewritten: Record<string, string> = { ...pages };
  for (const name of EXAMPLE_NAMES) {
    const file = EXAMPLE_FILES[name];
    const text = pageOf(rewritten, name);
    const { start, end } = markerRange(text, name, file);
    rewritten[file] = `${text.slice(0, start)}\n${examples[name]}\n${text.slice(end)}`;
  }
  return rewritten;
}

const EXAMPLE_NAMES: readonly (keyof ReadmeExamples)[] = ['demo-timeline', 'status-change-event', 'polling-failed-event'];

function pageOf(pages: DocumentPages, name: keyof ReadmeExamples): string {
  const text = pages[EXAMPLE_FILES[name]];
  if (text === undefined) throw new ReadmeMarkerError(`${EXAMPLE_FILES[name]} is needed for the ${name} example`);
  return text;
}

function markerRange(readme: string, name: string, file: string): { start: number; end: number } {
  const open = `<!-- readme-example:${name} -->`;
  const close = `<!-- /readme-example:${name} -->`;
  const first = readme.indexOf(open);
  if (first === -1 || readme.indexOf(open, first + 1) !== -1) {
    throw new ReadmeMarkerError(`${file} needs exactly one ${open} before the ${name} block`);
  }
  const end = readme.indexOf(close, first);
  if (end === -1) throw new ReadmeMarkerError(`${file}: ${open} has no ${close} after it`);
  return { start: first + open.length, end };
}
