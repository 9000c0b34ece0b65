/**
 * What every AWS service stand-in of the local runtime is: it serves its service on a loopback
 * endpoint of its own and gives the handlers the SDK client that reaches it. The runtime keeps
 * them in one registry (`LocalRuntime.standIns`): adding a service is its folder and one line there.
 */
import type { AwsClients } from '../../lambda/shared/clients';
import type { StandInEndpoint } from './aws-json-server';

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
