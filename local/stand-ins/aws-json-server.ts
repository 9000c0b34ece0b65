import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceError } from '../core/service-error';

/** One operation of a stand-in: request JSON in, response JSON out (or a thrown ServiceError). */
export type Operation = (input: Record<string, unknown>) => unknown | Promise<unknown>;

/**
 * The loopback HTTP endpoint of one stand-in of one runtime: its own server on a free port, closed
 * with the runtime. The runtime builds its SDK clients with this endpoint and hands them to the
 * handlers it runs, so two runtimes in one process share neither ports nor sockets.
 */
export class StandInEndpoint {
  private constructor(
    readonly endpoint: string,
    private readonly server: Server,
    private readonly listener: RequestListener,
  ) {}

  /** Serves `listener` on 127.0.0.1, on a port the system picks. */
  static async start(service: string, listener: RequestListener): Promise<StandInEndpoint> {
    const server = createServer((req, res) => {
      // Dated in simulated time (`Date` follows the virtual clock while a runtime runs), like the
      // `--serve` endpoint, so that every local answer agrees on the time.
      res.setHeader('Date', new Date().toUTCString());
      listener(req, res);
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: Error) => reject(new Error(`Cannot serve the local ${service} stand-in: ${error.message}`)));
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new StandInEndpoint(`http://127.0.0.1:${port}`, server, listener);
  }

  /** Hands a request to the stand-in (the `--serve` router uses it). */
  dispatch(req: IncomingMessage, res: ServerResponse): void {
    this.listener(req, res);
  }

  /** Stops the server and drops its connections (kept-alive sockets of the runtime's clients too). */
  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

/**
 * Serves an AWS JSON protocol (awsJson1_0 / awsJson1_1) API: the operation is named in the
 * `X-Amz-Target` header (`Prefix.Operation`), and errors carry `x-amzn-ErrorType` and `__type` so
 * the SDK raises the right exception class.
 */
export function awsJsonListener(operations: Readonly<Record<string, Operation>>, contentType: string): RequestListener {
  return listenerOf((req, res) => handle(req, res, operations, contentType));
}

/**
 * The request listener of an asynchronous handler. What the handler does not answer ends that one
 * request, never the process: a client that went away in the middle of its body (its request
 * errors with ECONNRESET) gets its socket closed; any other failure an InternalServerException.
 */
export function listenerOf(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): RequestListener {
  return (req, res) => {
    handler(req, res).catch((error: unknown) => {
      // An incomplete request: its client is gone, nothing can be answered.
      if (!req.complete || res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendError(res, new ServiceError('InternalServerException', `Local stand-in failed: ${message}`, 500), 'application/x-amz-json-1.1');
    });
  };
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
