/**
 * What every AWS service stand-in of the local runtime is: it serves its service on a loopback
 * endpoint of its own and gives the handlers the SDK client that reaches it. The runtime keeps
 * them in one registry (`LocalRuntime.standIns`): adding a service is its folder and one line there.
 */
import type { RequestListener } from 'node:http';
import type { AwsClients } from '../../lambda/shared/clients';
import { StandInEndpoint } from './aws-json-server';

/** A stand-in's service, as the served router (`X-Amz-Target`) and the endpoints table name it. */
export type ServiceKey = 'machinelearning' | 'eventbridge' | 'dynamodb' | 'sfn';

/** What an SDK client of a stand-in is configured with: the handlers' HTTP limits, its endpoint, dummy credentials. */
export interface StandInClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly maxAttempts: number;
  readonly [option: string]: unknown;
}

/** A service stand-in. */
export interface StandIn<K extends keyof AwsClients = keyof AwsClients> {
  /** Its service key. */
  readonly service: ServiceKey;
  /** Which of the handlers' clients reaches it. */
  readonly clientKey: K;
  /** Its endpoint while started. */
  readonly served?: StandInEndpoint;
  /** Serves it on its own loopback endpoint; resolves with the URL. */
  start(): Promise<string>;
  /** Closes its endpoint. */
  stop(): Promise<void>;
  /** The real SDK client of its service, pointed at it. */
  createClient(config: StandInClientConfig): AwsClients[K];
}

/**
 * What every stand-in shares: it serves its request listener on an endpoint of its own while
 * started, and closes it on stop. A stand-in names its service and client, and answers requests.
 */
export abstract class ServedStandIn<K extends keyof AwsClients> implements StandIn<K> {
  abstract readonly service: ServiceKey;
  abstract readonly clientKey: K;
  /** Its endpoint while started. */
  served?: StandInEndpoint;

  /** Handles one request of the service (called once per start). */
  protected abstract listener(): RequestListener;

  abstract createClient(config: StandInClientConfig): AwsClients[K];

  /** Serves this stand-in on its own endpoint; returns its URL. */
  async start(): Promise<string> {
    this.served = await StandInEndpoint.start(this.service, this.listener());
    return this.served.endpoint;
  }

  /** Closes its endpoint. */
  async stop(): Promise<void> {
    const served = this.served;
    this.served = undefined;
    await served?.close();
  }
}
