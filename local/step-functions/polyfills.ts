import { installJsonPathWithoutThrow } from './jsonpath-without-throw';

/**
 * aws-local-stepfunctions 3 calls `Promise.withResolvers` (Node 22+, the package's `engines`
 * floor). The repository's own tooling may still run on an older Node (this machine's is 20), so
 * supply it when missing.
 */
const PromiseWithResolvers = Promise as unknown as {
  withResolvers?: <T>() => { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };
};
if (typeof PromiseWithResolvers.withResolvers !== 'function') {
  PromiseWithResolvers.withResolvers = <T>() => {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

installJsonPathWithoutThrow();
