/** Memory: the throughput run's peak resident set size, over all its worker processes. */
import type { SimulationSummary } from './simulation';

/** The sum of the workers' peak resident set sizes, in MB (each is a full local stack). */
export function peakRssMb(shards: readonly SimulationSummary[]): number {
  return shards.reduce((a, s) => a + s.maxRssMb, 0);
}
