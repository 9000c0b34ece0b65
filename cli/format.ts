/**
 * Text output of the CLI: durations, the history timeline and the status list. Pure functions over
 * the views the commands build, so they are tested without any client.
 */
import type { BatchPredictionStatus } from '../lib/contract/events';

/** Units of {@link formatDuration}, largest first. */
const UNITS: readonly [string, number][] = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/**
 * A duration for people: the two most significant units, truncated to whole seconds, a zero
 * second unit left out: `0s`, `45s`, `10m 25s`, `1h`, `1h 5m`, `2d 3h`. `—` for a negative or
 * unknown duration.
 */
export function formatDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return '—';
  let rest = Math.floor(milliseconds / 1000);
  const values = UNITS.map(([unit, size]) => {
    const value = Math.floor(rest / size);
    rest -= value * size;
    return { unit, value };
  });
  const first = values.findIndex(({ value }) => value > 0);
  if (first === -1) return '0s';
  return values
    .slice(first, first + 2)
    .filter(({ value }) => value > 0)
    .map(({ unit, value }) => `${value}${unit}`)
    .join(' ');
}

/** Milliseconds from `from` to `to` (ISO strings); NaN when either does not parse. */
export function millisecondsBetween(from: string, to: string | Date): number {
  return (typeof to === 'string' ? Date.parse(to) : to.getTime()) - Date.parse(from);
}

/** Pads every column but the last to its widest cell, two spaces apart. */
export function table(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
  );
}

/** `PREVIOUS → STATUS`, `— → STATUS` on a run's first observation. */
export function transitionLabel(previousStatus: BatchPredictionStatus | null, status: BatchPredictionStatus): string {
  return `${previousStatus ?? '—'} → ${status}`;
}

/** One transition of a run, as `history` shows it. */
export interface HistoryTransitionView {
  readonly sequence: number;
  readonly observedAt: string;
  readonly previousStatus: BatchPredictionStatus | null;
  readonly status: BatchPredictionStatus;
  /** Seconds between the previous transition of the run and this one; null on the first. */
  readonly secondsInPreviousStatus: number | null;
  readonly eventId: string;
  /** False while the event has not been accepted by EventBridge yet. */
  readonly published: boolean;
  readonly transitionKey: string;
  readonly snapshot?: unknown;
}

/** One polling run and its transitions, oldest first. */
export interface HistoryRunView {
  readonly runId: string;
  /** 0 for the id's first run, N for its N-th restart (execution `<id>+r<N>`), from the run id. */
  readonly restart: number;
  readonly transitions: readonly HistoryTransitionView[];
}

/** Everything `history` prints: the runs of one batch prediction, oldest first. */
export interface HistoryView {
  readonly batchPredictionId: string;
  readonly tableName: string;
  readonly runs: readonly HistoryRunView[];
  /** The latest transition, and whether its status is terminal. */
  readonly latest: { readonly status: BatchPredictionStatus; readonly observedAt: string; readonly terminal: boolean };
}

/** The readable timeline of {@link HistoryView}; `now` dates the "so far" of a non-terminal status. */
export function formatHistory(view: HistoryView, now: Date): string[] {
  const count = view.runs.reduce((n, run) => n + run.transitions.length, 0);
  const lines = [
    `${view.batchPredictionId}: ${count} transition${count === 1 ? '' : 's'} in ${view.runs.length} run${view.runs.length === 1 ? '' : 's'}`,
  ];
  for (const run of view.runs) {
    lines.push('', `run ${run.runId}${run.restart > 0 ? ` (restart ${run.restart}: a new run after the previous one ended)` : ''}`);
    const rows: string[][] = [['OBSERVED AT', 'TRANSITION', 'IN PREVIOUS', 'EVENT']];
    for (const t of run.transitions) {
      rows.push([
        t.observedAt,
        transitionLabel(t.previousStatus, t.status),
        t.secondsInPreviousStatus === null ? '—' : formatDuration(t.secondsInPreviousStatus * 1000),
        t.published ? t.eventId : `${t.eventId} (not published yet)`,
      ]);
    }
    lines.push(...table(rows, '  '));
  }
  lines.push('');
  const { latest } = view;
  lines.push(
    latest.terminal
      ? `final status: ${latest.status} since ${latest.observedAt}`
      : `latest status: ${latest.status} since ${latest.observedAt} (${formatDuration(millisecondsBetween(latest.observedAt, now))} ago)`,
  );
  return lines;
}

/** One row of `list`: a batch prediction's latest transition. */
export interface ListEntryView {
  readonly batchPredictionId: string;
  readonly status: BatchPredictionStatus;
  readonly previousStatus: BatchPredictionStatus | null;
  readonly observedAt: string;
  readonly terminal: boolean;
  readonly runId: string;
  readonly sequence: number;
  readonly eventId: string;
}

/** The table of `list`, then a count per status; `now` gives the FOR column. */
export function formatList(entries: readonly ListEntryView[], now: Date, statusFilter?: readonly BatchPredictionStatus[]): string[] {
  if (entries.length === 0) {
    return [
      statusFilter === undefined
        ? 'no batch predictions tracked yet; start one with batch-prediction-poller watch <id>'
        : `no batch predictions with status ${statusFilter.join(' or ')}`,
    ];
  }
  const rows: string[][] = [['BATCH PREDICTION', 'STATUS', 'FOR', 'SINCE', 'PREVIOUS', 'RUN']];
  for (const e of entries) {
    rows.push([
      e.batchPredictionId,
      e.status,
      e.terminal ? '—' : formatDuration(millisecondsBetween(e.observedAt, now)),
      e.observedAt,
      e.previousStatus ?? '—',
      e.runId,
    ]);
  }
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.status, (counts.get(e.status) ?? 0) + 1);
  const summary = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  return [...table(rows), '', `${entries.length} batch prediction${entries.length === 1 ? '' : 's'}: ${summary}`];
}

/** The result of `watch`. */
export interface WatchView {
  readonly batchPredictionId: string;
  /**
   * `started`: StartExecution accepted (a repeat of a running start with the same input answers the
   * same). `restarted`: `--restart` started restart `restart` (a new run) after the previous run
   * ended. `already-running`: a run of this id is in progress. `already-finished`: the id was
   * polled before and its latest run ended; its execution names cannot be reused.
   */
  readonly outcome: 'started' | 'restarted' | 'already-running' | 'already-finished';
  readonly executionName: string;
  readonly executionArn: string;
  /** The execution's status (`RUNNING` when started). */
  readonly status: string;
  readonly startDate?: string;
  readonly stopDate?: string;
  readonly error?: string;
  readonly cause?: string;
  /** Which run: 0 for the first, N for restart N. */
  readonly restart?: number;
  /** `restarted`: how the run before it ended. */
  readonly previous?: { readonly executionName: string; readonly status: string; readonly stopDate?: string; readonly error?: string };
}

/** The line `watch` prints on success. */
export function formatWatch(view: WatchView): string {
  const since = view.startDate === undefined ? '' : ` since ${view.startDate}`;
  if (view.outcome === 'started') {
    return `polling ${view.batchPredictionId}: execution ${view.executionName} running${since} (${view.executionArn})`;
  }
  if (view.outcome === 'restarted') {
    const previous = view.previous;
    const ended =
      previous === undefined
        ? ''
        : `; the previous run's execution ${previous.executionName} ended ${previous.status}${previous.stopDate === undefined ? '' : ` at ${previous.stopDate}`}${previous.error === undefined ? '' : `: ${previous.error}`}`;
    return `restarted polling ${view.batchPredictionId}: execution ${view.executionName} running${since} (${view.executionArn}), restart ${view.restart}, a new run${ended}`;
  }
  const restart = (view.restart ?? 0) > 0 ? `, restart ${view.restart}` : '';
  return `${view.batchPredictionId} is already being polled: execution ${view.executionName} running${since}${restart} (${view.executionArn})`;
}
