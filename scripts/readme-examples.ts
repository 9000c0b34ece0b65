/**
 * Rewrites the README's generated examples (the quick start's demo timeline and the two example
 * events) from a real run of the built-in demo on the local runtime:
 *
 *   npm run readme-examples
 *
 * `test/e2e/readme-examples.test.ts` fails when they are stale; this is the fix it names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_SCENARIO } from '../local/scenarios/demo-scenario';
import { readmeExamples, withExamples } from '../local/cli/readme-examples';
import { LocalRuntime } from '../local/runtime/runtime';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const file = path.resolve(__dirname, '..', 'README.md');
  const runtime = await LocalRuntime.start(DEMO_SCENARIO);
  try {
    const result = await runtime.run();
    const before = fs.readFileSync(file, 'utf8');
    const after = withExamples(before, readmeExamples(result, runtime));
    fs.writeFileSync(file, after);
    console.log(after === before ? 'README.md examples are up to date' : 'README.md examples rewritten from the demo run');
  } finally {
    await runtime.stop();
  }
}

main().catch((error: Error) => {
  console.error(`error: ${error.name}: ${error.message}`);
  process.exit(1);
});
