import { parseCommandLine, UsageError, USAGE, type Invocation } from './args';
import { CliFailure, EXIT } from './errors';

/**
 * `crm`: the command-line shell of the data core. It opens the profile's replica in-process with
 * the same CoreService the app runs in its worker (execute.ts), calls it through the same dispatch
 * (commands.ts), and syncs only when told to (the engine is not live: one cycle per `crm sync`).
 */

/**
 * The core logs JSON lines on stderr for the app's log files (slow queries, index rebuilds). On a
 * terminal stderr is where the command's one-line error goes, so those lines are dropped unless
 * --verbose asks for them. They are recognised by their shape: logCore writes each as one chunk.
 */
function silenceCoreLog(): void {
  const write = process.stderr.write.bind(process.stderr);
  const filtered = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (typeof chunk === 'string' && chunk.startsWith('{"time":"')) return true;
    return Reflect.apply(write, process.stderr, [chunk, ...rest]) as boolean;
  };
  process.stderr.write = filtered as typeof process.stderr.write;
}

function print(stream: NodeJS.WriteStream, text: string): Promise<void> {
  if (text === '') return Promise.resolve();
  // Resolved once the text is handed to the OS, so exiting next does not cut a piped output short.
  return new Promise((resolve) => stream.write(text.endsWith('\n') ? text : `${text}\n`, () => resolve()));
}

/**
 * An error is one line on stderr. A message can carry more (the engine folds a stack trace into
 * an internal failure's message); that goes below the line with --verbose only.
 */
async function report(message: string, verbose: boolean): Promise<void> {
  const [first = '', ...rest] = message.trim().split('\n');
  await print(process.stderr, `crm: ${first.trim()}`);
  if (verbose && rest.length > 0) await print(process.stderr, rest.join('\n'));
}

async function run(invocation: Invocation): Promise<string> {
  if (invocation.command.kind === 'help' || invocation.profile === null) return USAGE;
  // Loaded only for a command that needs the replica: help and usage errors answer at once,
  // without loading the database layer.
  const { execute } = await import('./execute');
  return execute(invocation.profile, invocation.command, invocation.keyFile ?? null);
}

async function main(argv: string[]): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    await report(error.message, false);
    return EXIT.usage;
  }
  if (!invocation.verbose) silenceCoreLog();
  try {
    await print(process.stdout, await run(invocation));
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliFailure) {
      await report(error.message, invocation.verbose);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    const stack = invocation.verbose && error instanceof Error && error.stack ? `\n${error.stack}` : '';
    await report(`internal error: ${message.split('\n')[0] ?? ''}${invocation.verbose ? '' : ' (run again with --verbose for details)'}${stack}`, invocation.verbose);
    return EXIT.internal;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`crm: internal error: ${String(error)}\n`);
    process.exit(EXIT.internal);
  },
);
