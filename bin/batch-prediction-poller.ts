#!/usr/bin/env node
/**
 * The CLI from a clone, on the TypeScript sources: `npm run cli -- <command>`. The operator
 * commands live in `cli/`, `simulate` and `serve` run the local runtime (`local/cli/cli.ts`, as
 * `npm start` does: the stack synthesized fresh). The installed package runs the bundle built from
 * bin/bundle/cli.ts instead (`bin/batch-prediction-poller.js`).
 */
import { run } from '../cli/run';

// The SDK warns on every Node 20 process that future releases need Node 22: noise on a CLI's
// stderr. Set before `main` builds the clients, which is when the SDK checks it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

run(process.argv.slice(2), {
  operator: async () => (await import('../cli/main')).main,
  localRuntime: async () => {
    const local = await import('../local/cli/cli');
    // A local run ends by exiting, as npm start does: the stand-ins' keep-alive sockets would hold the process.
    return async (argv) => process.exit(await local.main(argv).catch(local.reportFailure));
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`batch-prediction-poller: unexpected error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
