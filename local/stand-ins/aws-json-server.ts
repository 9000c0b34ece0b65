import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceError } from '../core/service-error';

/** One operation of a stand-in: request JSON in, response JSON out (or a thrown ServiceError). */
export type Operation = (input: Record<string, unknown>) => unknown | Promise<unknown>;

/**
 * A loopback HTTP endpoint that lives as long as the process and forwards to whichever stand-in is
 * attached. The handler's SDK clients are created once per process (module scope, as in a warm
 * Lambda) with the endpoint from `AWS_ENDPOINT_URL_<SERVICE>`; keeping the port fixed lets many
 * local runs in one process (tests, benchmarks) share them.
 */
export class SharedEndpoint {
  private listener?: RequestListener;
  private constructor(readonly endpoint: string) {}

  private static readonly byService = new Map<string, Promise<SharedEndpoint>>();
  /**
   * The port each service was last served on. The handlers' SDK clients are module-scope and keep
   * the endpoint they were built with, so an endpoint started again after {@link closeAll} (a
   * second run in the same process) must come back on the same port.
   */
  private static readonly ports = new Map<string, number>();

  /** The endpoint for `service`, started on first use. */
  static for(service: string): Promise<SharedEndpoint> {
    let endpoint = SharedEndpoint.byService.get(service);
    if (endpoint === undefined) {
      endpoint = SharedEndpoint.start(SharedEndpoint.ports.get(service) ?? 0).then(
        (started) => {
          SharedEndpoint.ports.set(service, Number(new URL(started.endpoint).port));
          return started;
        },
        (error: Error) => {
          SharedEndpoint.byService.delete(service);
          throw new Error(
            `Cannot serve the local ${service} stand-in on 127.0.0.1:${SharedEndpoint.ports.get(service) ?? 0}: ${error.message}`,
          );
        },
      );
      SharedEndpoint.byService.set(service, endpoint);
    }
    return endpoint;
  }

  /** Closes every shared endpoint (end of process, end of a test file). */
  static async closeAll(): Promise<void> {
    const all = [...SharedEndpoint.byService.values()];
    SharedEndpoint.byService.clear();
    await Promise.all(all.map(async (e) => (await e).close()));
  }

  private static async start(wantedPort: number): Promise<SharedEndpoint> {
    let shared: SharedEndpoint | undefined;
    const server = createServer((req, res) => {
      // Dated in simulated time (`Date` follows the virtual clock while a runtime runs), like the
      // `--serve` endpoint, so that every local answer agrees on the time.
      res.setHeader('Date', new Date().toUTCString());
      const listener = shared?.listener;
      if (listener === undefined) {
        sendError(res, new ServiceError('ServiceUnavailable', 'No local stand-in is attached to this endpoint', 503), 'application/json');
        return;
      }
      listener(req, res);
    });
    server.keepAliveTimeout = 60_000;
    // Stand-ins answer in-process; do not let an idle endpoint keep the process alive.
    server.unref();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(wantedPort, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    shared = new SharedEndpoint(`http://127.0.0.1:${port}`);
    shared.close = () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    return shared;
  }

  /** Stops the server. */
  close: () => Promise<void> = async () => undefined;

  /** Routes requests to `listener` until {@link detach}. */
  attach(listener: RequestListener): void {
    if (this.listener !== undefined)
      throw new Error(`A local stand-in is already attached to ${this.endpoint}; stop the other local runtime first`);
    this.listener = listener;
  }

  detach(): void {
    this.listener = undefined;
  }

  /** Hands a request to the attached stand-in (the `--serve` router uses it). */
  dispatch(req: IncomingMessage, res: ServerResponse): void {
    if (this.listener === undefined) {
      sendError(res, new ServiceError('ServiceUnavailable', 'No local stand-in is attached to this endpoint', 503), 'application/json');
      return;
    }
    this.listener(req, res);
  }
}

/**
 * Serves an AWS JSON protocol (awsJson1_0 / awsJson1_1) API: the operation is named in the
 * `X-Amz-Target` header (`Prefix.Operation`), and errors carry `x-amzn-ErrorType` and `__type` so
 * the SDK raises the right exception class.
 */
export function awsJsonListener(operations: Readonly<Record<string, Operation>>, contentType: string): RequestListener {
  return (req, res) => void handle(req, res, operations, contentType);
}

/** Reads a request body. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes a JSON error response the way AWS JSON protocols do. */
export function sendError(res: ServerResponse, error: ServiceError, contentType: string): void {
  const body = JSON.stringify({ __type: error.errorType, message: error.message });
  res.writeHead(error.statusCode, {
    'content-type': contentType,
    'x-amzn-errortype': error.errorType,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse, operations: Readonly<Record<string, Operation>>, contentType: string) {
  const body = await readBody(req);
  const target = String(req.headers['x-amz-target'] ?? '');
  const operationName = target.slice(target.lastIndexOf('.') + 1);
  const operation = operations[operationName];
  try {
    if (operation === undefined)
      throw new ServiceError('UnknownOperationException', `The local stand-in does not implement ${target || '(no X-Amz-Target)'}`);
    const input = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    const output = await operation(input);
    const text = JSON.stringify(output ?? {});
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  } catch (error) {
    const serviceError =
      error instanceof ServiceError
        ? error
        : new ServiceError('InternalServerException', `Local stand-in failed: ${(error as Error).message}`, 500);
    sendError(res, serviceError, contentType);
  }
}
