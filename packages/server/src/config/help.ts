/**
 * `denwa help`, generated from the {@link OPTIONS} table so it lists exactly what the parser accepts.
 */
import { OPTION_LIST, type OptionCommand, type OptionSpec } from './flags.ts';

const WIDTH = 100;
const INDENT = '      ';

function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

function describe(spec: OptionSpec): string[] {
  const usage =
    spec.flag !== null
      ? `--${spec.flag}${spec.metavar === '' ? '' : ` ${spec.metavar}`}`
      : `${spec.env ?? ''}=${spec.metavar}`;
  const title = `  ${usage}${spec.required ? '   (required)' : ''}`;
  const facts: string[] = [];
  if (spec.flag !== null && spec.env !== null) facts.push(`env ${spec.env}`);
  if (spec.default !== null) facts.push(`default ${spec.default}`);
  const lines = [title, ...wrap(spec.help, INDENT)];
  if (facts.length > 0) lines.push(INDENT + facts.join(' · '));
  return lines;
}

function section(title: string, specs: readonly OptionSpec[]): string[] {
  return ['', title, ...specs.flatMap(describe)];
}

function forCommands(commands: readonly OptionCommand[], withFlag: boolean): OptionSpec[] {
  return OPTION_LIST.filter(
    (o) => (o.flag !== null) === withFlag && o.commands.length === commands.length && commands.every((c) => o.commands.includes(c)),
  );
}

/**
 * The text of `denwa help`: commands, every flag with its `DENWA_*` variable and default, the
 * variable-only settings, and examples.
 *
 * @public
 */
export function helpText(): string {
  return [
    'denwa: self-hosted, Twilio-compatible programmable voice',
    '',
    'Usage:',
    '  denwa start [options]                   run the server',
    '  denwa token --identity NAME [options]   print an Access Token for the browser SDK',
    '  denwa help                              show this help (also -h, --help)',
    '  denwa --version                         print the version',
    '',
    'Flags take "--flag value" or "--flag=value". A flag overrides its DENWA_* variable, which overrides',
    'the default; an empty variable counts as unset.',
    ...section('Options of start and token:', forCommands(['start', 'token'], true)),
    ...section('Options of token:', forCommands(['token'], true)),
    ...section('Environment only (start and token):', forCommands(['start', 'token'], false)),
    '',
    'Examples:',
    '  denwa start',
    '  denwa start --host 0.0.0.0 --public-ip 203.0.113.10 --public-url https://voice.example.com',
    '  DENWA_HTTP_PORT=4000 denwa start --log-level debug',
    '  denwa token --identity alice',
    '  denwa token --identity alice --app AP0123456789abcdef0123456789abcdef --ttl 600',
    '',
  ].join('\n');
}
