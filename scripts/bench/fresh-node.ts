/** Measurements that need a process of their own: a fresh, bare `node`. */
import { spawnSync } from 'node:child_process';

/**
 * Runs `script` in a fresh, bare `node` process (only PATH and `env` in its environment) and returns
 * the JSON value it prints after `RESULT `; `what` names the measurement in the error if it fails.
 */
export function measureInFreshNode<T>(what: string, script: string, options: { cwd?: string; env?: Record<string, string> } = {}): T {
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const match = /RESULT (.+)$/.exec(run.stdout ?? '');
  if (run.status !== 0 || match === null) throw new Error(`${what} failed: ${run.stderr}`);
  return JSON.parse(match[1]) as T;
}
