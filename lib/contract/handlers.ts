/**
 * How the synthesized template tells the local runtime which handler source runs in each function.
 * Shared by the construct (which writes the metadata) and the local runtime (which reads it).
 */

/** Template metadata key naming a function's source entry and handler factory, for the local runtime. */
export const LOCAL_HANDLER_METADATA = 'batch-prediction-poller:handler';

/** The factories each handler entry builds its `handler` export with (named in that metadata). */
export const HANDLER_FACTORY = {
  POLL: 'createPollHandler',
  REPORT_FAILURE: 'createReportFailureHandler',
  STARTER: 'createStarterHandler',
} as const;
