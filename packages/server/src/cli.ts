/**
 * The `denwa` command: `start`, `token`, `help`, `--version`. Exit codes: 0 success, 1 failure,
 * 2 usage or configuration error.
 */
import { isVoiceError } from '@denwa/protocol';
import { ConfigError, helpText, parseCommandLine, type CommandLine } from './config/index.ts';
import { mintDevelopmentToken, startDenwa } from './main.ts';
import { DENWA_VERSION } from './version.ts';

const print = (line: string): void => { process.stdout.write(`${line}\n`); };
const fail = (line: string): void => { process.stderr.write(`denwa: ${line}\n`); };

async function run(argv: readonly string[]): Promise<number> {
  let cli: CommandLine;
  try {
    cli = parseCommandLine(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      fail(err.message);
      fail('run `denwa --help` for the commands and flags');
      return 2;
    }
    throw err;
  }
  switch (cli.command) {
    case 'help':
      print(helpText());
      return 0;
    case 'version':
      print(DENWA_VERSION);
      return 0;
    case 'token':
      print(await mintDevelopmentToken(cli.config, cli.token));
      return 0;
    case 'start': {
      const denwa = await startDenwa(cli.config, { out: print });
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals): void => {
          if (stopping) {
            fail(`${signal} again: exiting now`);
            process.exit(1);
          }
          stopping = true;
          denwa.log.info({ signal }, 'stopping');
          void denwa.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      return 0;
    }
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (err) {
  if (err instanceof ConfigError) {
    fail(err.message);
    process.exitCode = 2;
  } else if (isVoiceError(err)) {
    fail(`${err.message} (${String(err.code)})`);
    process.exitCode = 1;
  } else {
    fail(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
