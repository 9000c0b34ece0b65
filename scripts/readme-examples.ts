/**
 * Rewrites the generated examples (README.md's demo timeline, docs/events.md's two example events)
 * from a real run of the built-in demo on the local runtime:
 *
 *   npm run readme-examples
 *
 * `test/e2e/readme-examples.test.ts` fails when they are stale; this is the fix it names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_SCENARIO } from '../local/scenarios/demo-scenario';
import { EXAMPLE_FILES, readmeExamples, withExamples } from '../local/cli/readme-examples';
import { LocalRuntime } from '../local/runtime/runtime';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const files = [...new Set(Object.values(EXAMPLE_FILES))];
  const runtime = await LocalRuntime.start(DEMO_SCENARIO);
  try {
    const result = await runtime.run();
    const before = Object.fromEntries(files.map((file) => [file, fs.readFileSync(path.join(root, file), 'utf8')]));
    const after = withExamples(before, readmeExamples(result, runtime));
    for (const file of files) {
      if (after[file] === before[file]) {
        console.log(`${file}: examples are up to date`);
      } else {
        fs.writeFileSync(path.join(root, file), after[file]);
        console.log(`${file}: examples rewritten from the demo run`);
      }
    }
  } finally {
    await runtime.stop();
  }
}

main().catch((error: Error) => {
  console.error(`error: ${error.name}: ${error.message}`);
  process.exit(1);
});
