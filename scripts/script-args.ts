/**
 * Argument parsing shared by the `npm run` scripts (bench, soak, test:node-versions), on
 * `node:util` `parseArgs`. It runs with `strict: false` and reads the tokens, so that the messages
 * name the flag and end with the script's usage line instead of Node's generic wording, and so that
 * a script may pass the arguments it does not know on to another program (jest).
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../lib/contract/usage-error';

/** The flags a script takes, by name without the dashes (`'init-runs'` for `--init-runs`). */
export type ScriptFlags = Readonly<Record<string, { readonly type: 'boolean' | 'string' }>>;

/** A parsed command line. */
export interface ScriptArgs {
  /** The boolean flags given. */
  readonly present: ReadonlySet<string>;
  /** Each string flag's values, in the order given (a flag may repeat). */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** With `passThrough`: every other argument, as typed and in order. */
  readonly rest: readonly string[];
}

/**
 * Parses `argv` against `flags`. A string flag takes the next argument or `--flag=value`; a boolean
 * flag takes no value. Unknown flags and positional arguments are a {@link UsageError} naming them,
 * unless `passThrough` is set: then they are returned in {@link ScriptArgs.rest}.
 */
export function parseScriptArgs(
  argv: readonly string[],
  flags: ScriptFlags,
  options: { readonly usage: string; readonly passThrough?: boolean },
): ScriptArgs {
  const fail = (message: string) => new UsageError(`${message}; usage: ${options.usage}`);
  const { tokens } = parseArgs({ args: [...argv], options: { ...flags }, allowPositionals: true, strict: false, tokens: true });
  const present = new Set<string>();
  const values = new Map<string, string[]>();
  const rest: string[] = [];
  const passedIndexes = new Set<number>();
  const passOn = (index: number) => {
    // Short flags grouped in one argument (`-abc`) are several tokens of the same index.
    if (passedIndexes.has(index)) return;
    passedIndexes.add(index);
    rest.push(argv[index]);
  };
  for (const token of tokens) {
    if (token.kind === 'option-terminator' || token.kind === 'positional') {
      if (!options.passThrough) throw fail(`unexpected argument ${JSON.stringify(argv[token.index])}`);
      passOn(token.index);
      continue;
    }
    const flag = Object.hasOwn(flags, token.name) ? flags[token.name] : undefined;
    if (flag === undefined) {
      if (!options.passThrough) throw fail(`unknown option ${token.rawName}`);
      passOn(token.index);
      continue;
    }
    if (flag.type === 'boolean') {
      if (token.inlineValue) throw fail(`${token.rawName} takes no value`);
      present.add(token.name);
      continue;
    }
    // parseArgs takes the next argument as the value even when it is another flag (`--jobs --seed 1`).
    if (token.value === undefined || token.value === '' || (!token.inlineValue && token.value.startsWith('--'))) {
      throw fail(`${token.rawName} needs a value`);
    }
    values.set(token.name, [...(values.get(token.name) ?? []), token.value]);
  }
  return { present, values, rest };
}

/**
 * The last value of `--name` as a whole number of at least `min`, or `fallback` when it is not given.
 * @throws UsageError if the value is not such a number
 */
export function wholeNumberFlag(args: ScriptArgs, name: string, fallback: number, min: number): number {
  const raw = args.values.get(name)?.at(-1);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} needs a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}
