import { DetailType } from '../../lib/contract';
import type { LocalRuntime, RunResult } from '../runtime/runtime';
import { timelineLines } from './timeline';

/**
 * The README's examples, generated from a real run of the built-in demo: the quick start's
 * timeline (as `npm start` prints it) and one event of each detail type. Each sits in README.md
 * between `<!-- readme-example:NAME -->` and `<!-- /readme-example:NAME -->`, as a fenced block.
 */
export interface ReadmeExamples {
  readonly 'demo-timeline': string;
  readonly 'status-change-event': string;
  readonly 'polling-failed-event': string;
}

/** A README marker is missing, repeated or unclosed. */
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

/** The text between each example's markers, by name (what README.md says now). */
export function readmeBlocks(readme: string): Record<keyof ReadmeExamples, string> {
  const blocks = {} as Record<keyof ReadmeExamples, string>;
  for (const name of EXAMPLE_NAMES) {
    const { start, end } = markerRange(readme, name);
    blocks[name] = readme.slice(start, end).trim();
  }
  return blocks;
}

/** README.md with every example's block replaced by `examples`. */
export function withExamples(readme: string, examples: ReadmeExamples): string {
  let text = readme;
  for (const name of EXAMPLE_NAMES) {
    const { start, end } = markerRange(text, name);
    text = `${text.slice(0, start)}\n${examples[name]}\n${text.slice(end)}`;
  }
  return text;
}

const EXAMPLE_NAMES: readonly (keyof ReadmeExamples)[] = ['demo-timeline', 'status-change-event', 'polling-failed-event'];

function markerRange(readme: string, name: string): { start: number; end: number } {
  const open = `<!-- readme-example:${name} -->`;
  const close = `<!-- /readme-example:${name} -->`;
  const first = readme.indexOf(open);
  if (first === -1 || readme.indexOf(open, first + 1) !== -1) {
    throw new ReadmeMarkerError(`README.md needs exactly one ${open} before the ${name} block`);
  }
  const end = readme.indexOf(close, first);
  if (end === -1) throw new ReadmeMarkerError(`README.md: ${open} has no ${close} after it`);
  return { start: first + open.length, end };
}
