/**
 * How the synthesized template tells the local runtime which handler source runs in each function.
 * Shared by the construct (which writes the metadata) and the local runtime (which reads it).
 */

/** Template metadata key naming a function's source entry and handler factory, for the local runtime. */
export const LOCAL_HANDLER_METADATA = 'batch-prediction-poller:handler';

/**
 * Each handler entry's source module, relative to the package root: one folder per function under
 * `lambda/`. The entry name is also its bundle's folder, `assets/lambda/<entry>/index.js`.
 */
export const HANDLER_SOURCES = {
  'poll-handler': 'lambda/poll/poll-handler.ts',
  'report-failure-handler': 'lambda/report-failure/report-failure-handler.ts',
  'starter-handler': 'lambda/starter/starter-handler.ts',
} as const;

/** A handler entry: one of {@link HANDLER_SOURCES}' keys. */
export type HandlerEntry = keyof typeof HANDLER_SOURCES;

/** The factories each handler entry builds its `handler` export with (named in that metadata). */
export const HANDLER_FACTORY = {
  POLL: 'createPollHandler',
  REPORT_FAILURE: 'createReportFailureHandler',
  STARTER: 'createStarterHandler',
} as const;
