/** The jobs the bench runs through the local runtime: the reference mix and the throughput load. */

/** The reference mix: one job of each duration. */
export const REFERENCE_MIX: readonly { readonly label: string; readonly seconds: number }[] = [
  { label: '5 min', seconds: 300 },
  { label: '30 min', seconds: 1800 },
  { label: '2 h', seconds: 7200 },
  { label: '6 h', seconds: 21600 },
  { label: '24 h', seconds: 86400 },
  { label: '7 days', seconds: 604800 },
];

/** One status at a scenario time, in seconds from the start. */
export interface TimelineEntry {
  readonly at: number;
  readonly status: string;
}

/** A job's timeline: queued, started after a tenth of its duration, completed at its end. */
export function jobTimeline(seconds: number): TimelineEntry[] {
  return [
    { at: 0, status: 'PENDING' },
    { at: Math.round(seconds / 10), status: 'INPROGRESS' },
    { at: seconds, status: 'COMPLETED' },
  ];
}

/** The batch prediction id of a reference-mix job. */
export function mixId(label: string): string {
  return `mix-${label.replace(/\s+/g, '')}`;
}

/** The reference mix as a local-runtime scenario. */
export function referenceMixScenario(): unknown {
  return { batchPredictions: REFERENCE_MIX.map((job) => ({ id: mixId(job.label), timeline: jobTimeline(job.seconds) })) };
}

/** Throughput jobs: durations spread evenly (in a shuffled order) from 30 minutes to 3 hours. */
export function throughputJobs(count: number): { id: string; seconds: number }[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `load-${String(i).padStart(5, '0')}`,
    seconds: 1800 + Math.round((((i * 7919) % count) / count) * (3 * 3600 - 1800)),
  }));
}
