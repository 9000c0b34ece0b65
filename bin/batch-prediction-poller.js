#!/usr/bin/env node
// The package's `bin` entry: the CLI bundled by `npm run build:cli` (one file, no TypeScript
// loader, no aws-cdk-lib). From a clone without a build, `npm run cli -- <command>` runs the sources.
try {
  require.resolve('../assets/cli/cli.js');
} catch {
  process.stderr.write(
    'batch-prediction-poller: the CLI bundle assets/cli/cli.js is missing: run npm run build:cli (or npm run cli -- <command> from a clone)\n',
  );
  process.exit(1);
}
require('../assets/cli/cli.js');
