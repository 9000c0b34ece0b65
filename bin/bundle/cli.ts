/**
 * Entry of assets/cli/cli.js, the bundled CLI the package's `bin` runs: the command line and the
 * help texts only. The operator commands and the local runtime are the separate bundles
 * ./operator.js and ./simulate.js next to it, required when a command needs them.
 */
import type { main } from '../../cli/main';
import { type LocalRuntimeMain, run } from '../../cli/run';

// The SDK warns on every Node 20 process that future releases need Node 22: noise on a CLI's
// stderr. Set before any client is built, which is when the SDK checks it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The other bundles are required by their file names next to this one (the build keeps them out of it).
run(process.argv.slice(2), {
  operator: async () => {
    const operator = require('./operator.js') as { main: typeof main };
    return (argv) => operator.main(argv);
  },
  localRuntime: async () => {
    const { runLocalRuntime } = require('./simulate.js') as { runLocalRuntime: LocalRuntimeMain };
    // A local run ends by exiting, as npm start does: the stand-ins' keep-alive sockets would hold the process.
    return async (argv) => process.exit(await runLocalRuntime(argv));
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
