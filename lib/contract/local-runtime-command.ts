/**
 * The local runtime's command line, defined once: its flags, their help, the serve defaults and
 * the usage text. `npm start` (from a clone: `batch-prediction-poller simulate` run from source)
 * parses with it, and the installed CLI's `simulate` and `serve` print their help from it without
 * loading the runtime. No imports: the CLI's small entry bundle carries it.
 */

/** The port `--serve` listens on unless `--port` says otherwise. */
export const DEFAULT_SERVE_PORT = 4599;

/** How many times faster than real time served simulated time runs unless `--speed` says otherwise. */
export const DEFAULT_SERVE_SPEED = 60;

/**
 * The flags, as `node:util` `parseArgs` reads them (every value a string; `--speed` and `--port`
 * are checked as numbers afterwards, with messages that name the flag).
 */
export const LOCAL_RUNTIME_OPTIONS = {
  scenario: { type: 'string' },
  'events-out': { type: 'string' },
  'history-out': { type: 'string' },
  'summary-out': { type: 'string' },
  rule: { type: 'string', multiple: true },
  verbose: { type: 'boolean' },
  serve: { type: 'boolean' },
  speed: { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** One of {@link LOCAL_RUNTIME_OPTIONS}' names. */
export type LocalRuntimeOptionName = keyof typeof LOCAL_RUNTIME_OPTIONS;

/** Each flag's line of help, and the modes it applies in. */
const FLAG_HELP: Readonly<Record<Exclude<LocalRuntimeOptionName, 'serve' | 'help'>, { readonly text: string; readonly modes: string }>> = {
  scenario: {
    text: '--scenario FILE     batch predictions, their status timelines and injected faults (docs/local-runtime.md)',
    modes: 'both',
  },
  rule: { text: '--rule FILE         an EventBridge event pattern (JSON) to match the events against; repeatable', modes: 'both' },
  'events-out': { text: '--events-out F      the published events, NDJSON (served: appended as they arrive)', modes: 'both' },
  'history-out': { text: "--history-out F     the history table's items, NDJSON", modes: 'simulate' },
  'summary-out': { text: '--summary-out F     executions, totals and queued messages, JSON', modes: 'simulate' },
  verbose: { text: "--verbose           the handlers' logs and metrics", modes: 'both' },
  speed: { text: `--speed N           simulated time N times faster than real time (default ${DEFAULT_SERVE_SPEED})`, modes: 'serve' },
  port: {
    text: `--port P            the endpoint's port on 127.0.0.1 (default ${DEFAULT_SERVE_PORT}; 0 picks a free one)`,
    modes: 'serve',
  },
};

const RUNTIME = `The local runtime runs the poller's real state machine definition (synthesized from the stack:
fresh from a clone, with cdk.json's context; from an installed package, at build time with
default settings) on an Amazon States Language interpreter on simulated time, with the real handlers and
local stand-ins for Amazon ML, EventBridge, DynamoDB and Step Functions. No AWS account is needed.`;

/**
 * The help of `simulate` or `serve`, as `invocation` starts it: `batch-prediction-poller simulate`
 * installed, `npm start --` from a clone (whose serve mode is `npm start -- --serve`).
 */
export function localRuntimeHelp(mode: 'simulate' | 'serve', invocation: string): string {
  const flags = (Object.keys(FLAG_HELP) as (keyof typeof FLAG_HELP)[]).filter(
    (f) => FLAG_HELP[f].modes === 'both' || FLAG_HELP[f].modes === mode,
  );
  const synopsis = flags.map((f) => `[${FLAG_HELP[f].text.split(/\s{2,}/)[0]}]${f === 'rule' ? '...' : ''}`).join(' ');
  const what =
    mode === 'simulate'
      ? `Runs a scenario (without --scenario, the built-in demo) to the end and prints the timeline of
events, the executions and, for each --rule, the events it matches: test a subscriber's rule
against the events the poller really publishes. The served mode: batch-prediction-poller serve
(from a clone: npm start -- --serve).`
      : `Keeps the local runtime running on one endpoint (http://127.0.0.1:P) that the aws CLI, SDKs
and the operator commands (watch, history, list) talk to (--endpoint-url, or AWS_ENDPOINT_URL
where the client honours it), printing each event as it is delivered with the rules that match it
(--rule files, and rules put with aws events put-rule). Ctrl-C stops it.`;
  return [`Usage: ${invocation} ${synopsis}`, '', what, '', ...flags.map((f) => `  ${FLAG_HELP[f].text}`), '', RUNTIME].join('\n');
}
