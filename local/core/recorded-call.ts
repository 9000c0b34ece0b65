/**
 * A call a local service answered (a stand-in, the local Step Functions), for least-privilege
 * checks and summaries. Every service records them, so none of them owns the type.
 */
export interface RecordedCall {
  readonly service: string;
  readonly operation: string;
  /** The resource the call was about (a batch prediction id, a table, a bus), if any. */
  readonly resource?: string;
}
