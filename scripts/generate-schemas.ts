import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT_SCHEMAS } from '../lib/contract/schemas';

/** Writes `schemas/<name>.json` from `lib/contract/schemas.ts`, the one source of truth. */
export function renderSchemaFiles(): Map<string, string> {
  return new Map(EVENT_SCHEMAS.map(({ name, schema }) => [`${name}.json`, `${JSON.stringify(schema, null, 2)}\n`]));
}

if (require.main === module) {
  const dir = path.join(__dirname, '..', 'schemas');
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of renderSchemaFiles()) {
    fs.writeFileSync(path.join(dir, file), text);
    console.log(`wrote schemas/${file}`);
  }
}
