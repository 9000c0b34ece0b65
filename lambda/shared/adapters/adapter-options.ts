/**
 * The one options shape every adapter takes: the SDK client it calls. Adapters never build a
 * client: the composition root (the `default*Dependencies` factories in the handler entry
 * modules) builds each client once per container and hands it in, and the local runtime hands in
 * clients pointed at its own stand-ins.
 */
export interface AdapterOptions<Client> {
  /** The SDK client the adapter sends its commands with. */
  readonly client: Client;
}
