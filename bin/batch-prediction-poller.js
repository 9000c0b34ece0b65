#!/usr/bin/env node
// The package's `bin` entry: registers tsx so that Node can load the TypeScript sources, then runs
// the CLI (bin/batch-prediction-poller.ts).

require('tsx/cjs');
require('./batch-prediction-poller.ts');
