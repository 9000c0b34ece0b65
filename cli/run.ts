/**
 * The whole `batch-prediction-poller` command line: `--version`, the local runtime's `simulate`
 * and `serve`, and the operator commands of `./main`. The operator CLI and the local runtime are
 * loaded only when asked for, so that `--help` and `--version` start fast and construct users who
 * never simulate never load the local runtime.
 */
import { HELP, PROGRAM, parseArgs } from './args';
import { packageVersion } from './package-info';
import { localRuntimeHelp } from '../lib/contract/local-runtime-command';

/** Runs a command line (the arguments after the program name); resolves with the exit code. */
export type CommandLineMain = (argv: readonly string[]) => Promise<number>;

/** Runs the local runtime's command line (`npm start -- <argv>` from a clone). */
export type LocalRuntimeMain = CommandLineMain;

/**
 * Where {@link run} gets the two halves it hands command lines to, each loaded only when needed:
 * from a clone the sources, in the installed package the bundles next to the CLI's.
 */
export interface CommandLoaders {
  /** The operator commands (`watch`, `history`, `list`): `main` of ./main. */
  readonly operator: () => Promise<CommandLineMain>;
  /** The local runtime (`simulate`, `serve`). */
  readonly localRuntime: () => Promise<LocalRuntimeMain>;
}

/** The commands that run the local runtime instead of talking to AWS. */
export const LOCAL_COMMANDS = ['simulate', 'serve'] as const;

/** One of {@link LOCAL_COMMANDS}. */
export type LocalCommand = (typeof LOCAL_COMMANDS)[number];

/** Help of the local runtime's commands, from the runtime's one definition of its flags. */
export const LOCAL_HELP: Readonly<Record<LocalCommand, string>> = {
  simulate: localRuntimeHelp('simulate', `${PROGRAM} simulate`),
  serve: localRuntimeHelp('serve', `${PROGRAM} serve`),
};

/** The local runtime's arguments for `simulate` or `serve` followed by `rest`. */
export function localRuntimeArgs(command: LocalCommand, rest: readonly string[]): string[] {
  return command === 'serve' && !rest.includes('--serve') ? ['--serve', ...rest] : [...rest];
}

function isLocalCommand(word: string | undefined): word is LocalCommand {
  return (LOCAL_COMMANDS as readonly (string | undefined)[]).includes(word);
}

/** Where {@link run} writes its own lines (the commands it hands over to write theirs). */
export type Print = (line: string) => void;

const stdout: Print = (line) => process.stdout.write(`${line}\n`);

/**
 * Runs the command line `argv` (the arguments after the program name); resolves with the exit
 * code. `--version` and every help text are printed without loading either half.
 */
export async function run(argv: readonly string[], load: CommandLoaders, print: Print = stdout): Promise<number> {
  const [first, ...rest] = argv;
  if (argv.length === 1 && (first === '--version' || first === '-v')) {
    print(packageVersion());
    return 0;
  }
  const helpFor = first === 'help' && rest.length === 1 ? rest[0] : undefined;
  if (isLocalCommand(helpFor)) {
    print(LOCAL_HELP[helpFor]);
    return 0;
  }
  if (isLocalCommand(first)) {
    if (rest.includes('--help') || rest.includes('-h')) {
      print(LOCAL_HELP[first]);
      return 0;
    }
    const local = await load.localRuntime();
    return local(localRuntimeArgs(first, rest));
  }
  // Help is printed from the parser alone; the commands, and the SDK clients they load, only run
  // commands. A command line the parser rejects goes to main, which reports it.
  let wantsHelp: { command?: keyof typeof HELP } | undefined;
  try {
    const args = parseArgs(argv);
    if (args.help) wantsHelp = { command: args.command };
  } catch {
    wantsHelp = undefined;
  }
  if (wantsHelp !== undefined) {
    print(HELP[wantsHelp.command ?? 'global']);
    return 0;
  }
  const operator = await load.operator();
  return operator(argv);
}
