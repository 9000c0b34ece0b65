/**
 * The handler modules bundled into the CLI's local runtime (assets/cli/simulate.js), for
 * `LocalRuntimeOptions.loadHandlerModule`: the installed package has no handler sources to require.
 * Each is required on first use only, as the local runtime does from a clone: a module builds its
 * `handler` export (and its SDK clients) when loaded, which must happen after the runtime has set
 * the environment that points the clients at the stand-ins.
 */
import * as path from 'node:path';
import type { FunctionDefinition } from '../../local/template/deployment';

/** A handler entry's base name (as the template's handler metadata names it, without `.ts`) → its module. */
const HANDLER_MODULES: Readonly<Record<string, () => Record<string, unknown>>> = {
  'poll-handler': () => require('../../lambda/poll/poll-handler'),
  'report-failure-handler': () => require('../../lambda/report-failure/report-failure-handler'),
  'starter-handler': () => require('../../lambda/starter/starter-handler'),
};

/** The template names a handler entry the bundle does not carry: the template and the bundle are from different builds. */
export class UnknownHandlerEntryError extends Error {
  constructor(readonly entry: string) {
    super(
      `the template names handler entry ${entry}, which this CLI bundle does not carry (it has ${Object.keys(HANDLER_MODULES).join(', ')}): rebuild with npm run build:cli`,
    );
    this.name = 'UnknownHandlerEntryError';
  }
}

/** Loads `fn`'s handler module from the bundle. @throws UnknownHandlerEntryError */
export function loadBundledHandlerModule(fn: Pick<FunctionDefinition, 'entry'>): Record<string, unknown> {
  const load = HANDLER_MODULES[path.basename(fn.entry, path.extname(fn.entry))];
  if (load === undefined) throw new UnknownHandlerEntryError(fn.entry);
  return load();
}
