/**
 * Entry of assets/cli/simulate.js: the local runtime of the installed package, loaded by the CLI
 * bundle only for `simulate` and `serve`. It runs the template synthesized when the package was
 * built (assets/cli/template.json, see scripts/build-cli.ts), since aws-cdk-lib is not installed
 * with the CLI, and the handlers bundled with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main, reportFailure } from '../../local/cli/cli';
import { type LocalDeployment, deploymentFromTemplate } from '../../local/template/deployment';
import { PROGRAM } from '../../cli/args';
import type { LocalRuntimeMain } from '../../cli/run';
import { loadBundledHandlerModule } from './handlers';

/** The file the build writes the synthesized template to, next to the bundle. */
export const TEMPLATE_FILE = 'template.json';

/** What {@link TEMPLATE_FILE} holds. */
export interface ShippedTemplate {
  readonly stackName: string;
  readonly template: Record<string, unknown>;
}

/** The shipped template is missing or unreadable: the package is broken (or the clone not built). */
export class ShippedTemplateError extends Error {
  constructor(file: string, reason: string) {
    super(`cannot read the synthesized template ${file} (${reason}): reinstall the package, or from a clone run npm run build:cli`);
    this.name = 'ShippedTemplateError';
  }
}

/** Reads the deployment out of the template shipped in `dir`. @throws ShippedTemplateError */
export function shippedDeployment(dir: string = __dirname): LocalDeployment {
  const file = path.join(dir, TEMPLATE_FILE);
  let shipped: ShippedTemplate;
  try {
    shipped = JSON.parse(fs.readFileSync(file, 'utf8')) as ShippedTemplate;
  } catch (error) {
    throw new ShippedTemplateError(file, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
  return deploymentFromTemplate(shipped.template, shipped.stackName);
}

/** Runs the local runtime's command line on the shipped template and the bundled handlers. */
export const runLocalRuntime: LocalRuntimeMain = async (argv) => {
  try {
    return await main(argv, console.log, {
      deployment: shippedDeployment(),
      loadHandlerModule: loadBundledHandlerModule,
      cliCommand: PROGRAM,
    });
  } catch (error) {
    return reportFailure(error as Error);
  }
};
