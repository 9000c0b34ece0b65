/**
 * Entry of assets/cli/operator.js: the operator commands (`watch`, `history`, `list`) and the SDK
 * clients they use, required by the CLI bundle only to run one of them, so that `--help` and
 * `--version` parse none of it.
 */
export { main } from '../../cli/main';
