#!/usr/bin/env node
/**
 * The operator CLI: `batch-prediction-poller watch|history|list`. The logic lives in `cli/`.
 * Run it with `npm run cli -- <command>` or through the package's `bin` shim
 * (`bin/batch-prediction-poller.js`).
 */
import { main } from '../cli/main';

// The SDK warns on every Node 20 process that future releases need Node 22: noise on a CLI's
// stderr. Set before `main` builds the clients, which is when the SDK checks it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`batch-prediction-poller: unexpected error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
