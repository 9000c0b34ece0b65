/** The parent's side of the bench workers: one forked process per simulation. */
import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { SimulateRequest, SimulationSummary, WorkerMessage } from './simulation';

/** A started worker: `ready` once it has booted (with `barrier`), `done` with its summary. */
export interface Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly done: Promise<SimulationSummary>;
}

/** Forks `worker.ts` as a process that runs one simulation. */
export function startWorker(request: SimulateRequest): Worker {
  const child = fork(path.join(__dirname, 'worker.ts'), [], {
    // The same Node.js flags (tsx's loader) as this process, nothing more: a larger young generation
    // (--max-semi-space-size=32/64) was measured and made no difference with two workers.
    execArgv: process.execArgv,
    // The handlers' metrics and logs would mix with the report: the worker's stdout is dropped.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    readyResolve = resolve;
  });
  const done = new Promise<SimulationSummary>((resolve, reject) => {
    child.on('message', (m: WorkerMessage) => {
      if (m.kind === 'ready') readyResolve();
      else if (m.kind === 'done') resolve(m.summary);
      else reject(new Error(`bench worker failed: ${m.message}`));
    });
    child.on('exit', (code) => reject(new Error(`bench worker exited with code ${code} before reporting`)));
  });
  child.send(request);
  return { child, ready, done };
}
