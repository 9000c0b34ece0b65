/**
 * `npm run build:cli`: the CLI as bundled files in assets/cli/, for the installed package (no
 * TypeScript loader, no aws-cdk-lib, no runtime dependencies):
 *
 * - `cli.js`: the command line and help texts (bin/bundle/cli.ts), what the package's `bin` runs;
 * - `operator.js`: the operator commands and their SDK clients (bin/bundle/operator.ts), required
 *   by `cli.js` to run `watch`, `history` or `list`;
 * - `simulate.js`: the local runtime with the handlers (bin/bundle/simulate.ts), required by
 *   `cli.js` only for `simulate` and `serve`, so that `--help` does not load it;
 * - `template.json`: the stack synthesized now from lib/app.ts's app with default settings, the
 *   definition `simulate` runs where aws-cdk-lib is not installed;
 *
 * The build fails if anything that must not be loaded at run time (aws-cdk-lib, constructs, tsx,
 * a native module) went into a bundle.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Metafile, type Plugin, build } from 'esbuild';
import { synthesizeTemplate } from '../local/template/synthesis';

const ROOT = path.resolve(__dirname, '..');
/** Where the bundles go. */
export const CLI_ASSETS_DIR = path.join(ROOT, 'assets', 'cli');

/**
 * Packages the bundles must neither contain nor require: the CLI runs without them (and any
 * jsonpath-plus build but the CommonJS one, see {@link asNodeRequires}).
 */
export const FORBIDDEN_PACKAGES = ['aws-cdk-lib', 'constructs', 'tsx', 'classic-level', 'level'] as const;

/** A bundle took in a module it must not load at run time. */
export class ForbiddenBundleInputError extends Error {
  constructor(readonly inputs: readonly string[]) {
    super(`the CLI bundles must not contain ${inputs.join(', ')}: keep them behind the local runtime's options or stub them`);
    this.name = 'ForbiddenBundleInputError';
  }
}

const STUB_NAMESPACE = 'bpp-unavailable';

/**
 * Modules the bundled local runtime reaches in code it never runs, replaced by stubs whose exports
 * throw a named error if it ever does (each with the names its importers use):
 * - aws-cdk-lib and lib/app.ts, reached by `synthesizeTemplate` (local/template/synthesis.ts) only: the bundle runs the template
 *   synthesized at build time;
 * - `level` (classic-level, a native LevelDB binding), reached by dynalite only for an on-disk
 *   store (its `path` option): the DynamoDB stand-in uses dynalite's in-memory store, memory-level,
 *   which is pure JavaScript and is bundled. So `simulate` needs no native module and no optional
 *   peer dependency.
 * Anything else from {@link FORBIDDEN_PACKAGES} is bundled as it is and fails the build.
 */
const STUBS: readonly { readonly filter: RegExp; readonly exports: readonly string[] }[] = [
  { filter: /^aws-cdk-lib$/, exports: ['App'] },
  { filter: /\/lib\/app$/, exports: ['buildApp'] },
  { filter: /^level$/, exports: ['Level'] },
];

const unavailable: Plugin = {
  name: 'unavailable-at-run-time',
  setup(builder) {
    for (const { filter } of STUBS) builder.onResolve({ filter }, (args) => ({ path: args.path, namespace: STUB_NAMESPACE }));
    builder.onLoad({ filter: /.*/, namespace: STUB_NAMESPACE }, (args) => {
      const stub = STUBS.find(({ filter }) => filter.test(args.path));
      const message = `${args.path} is not part of the installed CLI: its local runtime runs the template synthesized when the package was built (from a clone, npm start synthesizes the stack fresh)`;
      return {
        loader: 'js',
        contents: [
          `function unavailable() { const error = new Error(${JSON.stringify(message)}); error.name = 'NotBundledError'; throw error; }`,
          ...(stub?.exports ?? []).map((name) => `exports.${name} = function ${name}() { unavailable(); };`),
        ].join('\n'),
      };
    });
  },
};

/** dynalite's index.js requires its operations as `require('./actions/' + action)`. */
const DYNALITE_OPERATION_REQUIRE = /require\('\.\/(actions|validations)\/' \+ action\)/g;

/** dynalite's operation modules not found in its index.js: a dynalite release this build does not know. */
export class UnknownDynaliteLayoutError extends Error {
  constructor(file: string) {
    super(`${file} no longer requires its operations as require('./actions/' + action): update scripts/build-cli.ts for this dynalite`);
    this.name = 'UnknownDynaliteLayoutError';
  }
}

/**
 * esbuild bundles a `require('./dir/' + name)` as every file of ./dir, looked up by the exact path
 * with its extension, so dynalite's extensionless one finds none: give it the `.js`.
 */
const dynaliteOperations: Plugin = {
  name: 'dynalite-operations',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]node_modules[\\/]dynalite[\\/]index\.js$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      const rewritten = source.replace(DYNALITE_OPERATION_REQUIRE, "require('./$1/' + action + '.js')");
      if (rewritten === source) throw new UnknownDynaliteLayoutError(args.path);
      return { contents: rewritten, loader: 'js' };
    });
  },
};

/**
 * Every package resolved the way Node's `require` resolves it (the `require` condition of its
 * `exports`), as the sources run from a clone, under tsx and ts-jest: esbuild would otherwise pick
 * the `import` build for an `import` statement. That matters beyond fidelity: the local runtime
 * patches jsonpath-plus's CommonJS exports (local/step-functions/jsonpath-without-throw.ts), which the ESM build
 * of aws-local-stepfunctions would not see, binding jsonpath-plus's ESM build instead.
 */
const asNodeRequires: Plugin = {
  name: 'as-node-requires',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      if ((args.kind !== 'import-statement' && args.kind !== 'dynamic-import') || args.pluginData === REQUIRE_RESOLUTION) return undefined;
      const resolved = await builder.resolve(args.path, {
        kind: 'require-call',
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: REQUIRE_RESOLUTION,
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.path, external: resolved.external, namespace: resolved.namespace, sideEffects: resolved.sideEffects };
    });
  },
};
const REQUIRE_RESOLUTION = Symbol('require resolution');

/** The jsonpath-plus the local runtime patches: its CommonJS build, the only one a bundle may hold. */
const JSONPATH_PLUS_CJS = /node_modules\/jsonpath-plus\/dist\/index-node-cjs\.cjs$/;

/** The inputs of `metafile` that come from a forbidden package. */
export function forbiddenInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter(
    (input) =>
      FORBIDDEN_PACKAGES.some((name) => new RegExp(`(^|/)node_modules/${name}/`).test(input) || input.endsWith('.node')) ||
      (/(^|\/)node_modules\/jsonpath-plus\//.test(input) && !JSONPATH_PLUS_CJS.test(input)),
  );
}

/** Builds assets/cli/. */
export async function buildCli(outDir: string = CLI_ASSETS_DIR): Promise<{ metafile: Metafile }> {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { cli: 'bin/bundle/cli.ts', operator: 'bin/bundle/operator.ts', simulate: 'bin/bundle/simulate.ts' },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Both halves of the SDK's dual packages resolve to the CommonJS build, as under Node's require.
    mainFields: ['main', 'module'],
    // The other bundles, required at run time next to cli.js.
    external: ['./operator.js', './simulate.js'],
    define: { BUNDLED_LOCAL_RUNTIME: 'true' },
    plugins: [unavailable, asNodeRequires, dynaliteOperations],
    minifySyntax: true,
    legalComments: 'linked',
    // Two require.resolve calls esbuild cannot follow, neither reached in the bundle:
    // dynaliteOperations (the operation inventory test) and interpreterJsonPathModule,
    // which takes the bundled path under BUNDLED_LOCAL_RUNTIME.
    logOverride: { 'require-resolve-not-external': 'silent' },
    metafile: true,
    logLevel: 'warning',
  });
  const forbidden = forbiddenInputs(result.metafile);
  if (forbidden.length > 0) throw new ForbiddenBundleInputError(forbidden);
  const { template, stackName } = synthesizeTemplate();
  fs.writeFileSync(path.join(outDir, 'template.json'), `${JSON.stringify({ stackName, template })}\n`);
  return { metafile: result.metafile };
}

if (require.main === module) {
  buildCli().then(
    () => {
      const sizes = fs
        .readdirSync(CLI_ASSETS_DIR)
        .map((f) => `${f} ${(fs.statSync(path.join(CLI_ASSETS_DIR, f)).size / 1024).toFixed(0)} KiB`);
      process.stdout.write(`built ${path.relative(ROOT, CLI_ASSETS_DIR)}/: ${sizes.join(', ')}\n`);
    },
    (error: Error) => {
      process.stderr.write(`build:cli: ${error.name}: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
