/**
 * The bench worker process (forked by `workers.ts`): receives one {@link SimulateRequest}, runs it,
 * and reports its {@link SimulationSummary}, or the error, over the IPC channel.
 */
import { type SimulateRequest, type WorkerMessage, simulate } from './simulation';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function send(message: WorkerMessage): void {
  if (process.send === undefined) throw new Error('scripts/bench/worker.ts runs only as a forked bench worker (npm run bench)');
  process.send(message);
}

async function workerMain(): Promise<void> {
  const request = await new Promise<SimulateRequest>((resolve) => process.once('message', (m) => resolve(m as SimulateRequest)));
  const ready = () => {
    const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
    send({ kind: 'ready' });
    return go;
  };
  try {
    send({ kind: 'done', summary: await simulate(request, ready) });
  } catch (error) {
    send({ kind: 'error', message: (error as Error).stack ?? String(error) });
  }
  process.disconnect();
}

void workerMain();
