import { closestMatch } from 'leven';
import { UnknownNameError } from '../handlers/lib/errors.js';
import { startWordsUsage } from '../handlers/lib/start-grammar.js';

export const usage = `runbook: automated runbooks for AWS Lambda workloads

Usage: runbook <command> [options]

Commands:
  help [<command>]           this help, or one command's
  list                       the runbook catalogue
  show <runbook>             a runbook's trigger, approval policy, guardrails and steps
  asl <runbook>              the state machine definition (ASL JSON) as deployed, with
                             \${StepFunctionArn} placeholders for the step functions
  diagram <runbook> [--full | --escalation [--env <env>] [--policy <file>]]
                             the runbook's Mermaid flowchart as on-call reads it; --full: every
                             retry and caught error; --escalation: who is asked, how long each
                             waits and who is paged in an environment (default staging), with the
                             Slack access policy's groups (default examples/slack-access.json)
  diagrams [--check]         write diagrams/<runbook>.md for every runbook (--check: fail if stale)
  simulate <scenario> [--json] [--configuration default|scoped-prod] [--evidence <dir>]
                             run one game-day scenario on a simulated account
  gameday [--json] [--html <file>] [--configuration default|scoped-prod] [--evidence <dir>]
                             run every scenario (what \`npm start\` does); --html writes the
                             self-contained game-day report. The platform is deployed as the CDK
                             app synthesizes it for the configuration (default: cdk.json's
                             defaults; scoped-prod: examples/scoped-prod.context.json), and every
                             call its functions make is authorized by its IAM policies
  gameday --faults <n> [--seed <s>] [--scenario <id>] [--json]
                             every game day (or one) under n seeded fault schedules (seeds s to
                             s+n-1, default 1): throttling, 5xx, a timeout after a call took
                             effect, a Lambda cut off after a call, at any AWS call the platform
                             makes; per runbook: schedules, faults injected and invariants broken
                             (resource between before and intended, a run that never ends, a lease
                             kept, a change not audited, an untrue report, a message lost), each
                             with the seed that reproduces it. Exit 1 on any violation
  doctor [--aws [--region <r>]] [--json]
                             what stands between this deployment and runbooks that start and reach
                             people, each with what to do: settings, routing, IAM scope, the Slack
                             access policy, reserved concurrency; --aws also: CDK bootstrap, the
                             concurrency quota, the stack, topic subscribers, the Slack secret,
                             alarms nothing routes. Exit 1 if a check fails
  evidence verify <file or dir> [--public-key <pem>] [--json]
  evidence verify --aws --bucket <b> --signing-key <arn> --from <day> [--to <day>] [--region <r>]
                             check signed evidence records (and manifests) and name every field
                             changed (the key: --public-key, or the nearest public-key.pem above a
                             record; with --aws the signing key's, from KMS)
  evidence <execution> (--source <dir> | --aws --bucket <b> --signing-key <arn>) [--json]
                             one execution's evidence record, verified, as people read it.
                             --evidence <dir> on gameday/simulate writes each execution's signed
                             record and the public key to <dir>/<scenario>/
  evidence export --from <yyyy-mm-dd> --to <yyyy-mm-dd> (--source <dir> | --aws --bucket <b>
        --signing-key <arn>) [--html <dir>] [--csv] [--json]
                             the runs that ended in the period, by control, runbook and account;
                             --html: a folder to open offline (index, a page per run with its
                             diagram, timeline, approvals and changes, the records, evidence.csv);
                             --csv: one row per run on stdout. Exit 1 if a record does not verify
  gameday run <scenario> [--aws [--region <r>]] [--approve auto|slack] [--approval-table <t>]
        [--speed <x>] [--html <file>] [--json]
                             a closed-loop game day: inject the fault (FIS or a deployment), wait
                             for the alarm, follow the runbook, measure time to detect and to
                             mitigate, and always take the fault back (also on Ctrl-C) and check
                             it is gone. On the simulated account unless --aws (a sandbox with the
                             game-day stack); --speed x runs it at x times real time to watch it
  scenarios [--json]         the game-day scenarios, and which can run closed-loop (gameday run)
  new <runbook> [--target queue|function] [--package <name>]
                             write a working runbook: its folder (definition, two steps, a game
                             day), a test, its diagram, and its line in runbooks/catalogue.ts.
                             Run in the project's root; docs/writing-a-runbook.md goes on from there.
                             --package: the folder alone, for a team's own repository, importing
                             the platform from the package (see examples/own-platform)
  resume --table <lease table> --by <person> [--region <r>]
                             resume automatic remediation the circuit breaker paused (the stack's
                             LeaseTableName); until then every run asks a human
  status --table <lease table> [--region <r>] [--json]
                             what automation is doing in every account the platform acts in:
                             the circuit breaker, automated changes of the last hour per
                             environment, targets runs hold and cool-downs, by account and region
  redrive-failed-dispatches --queue <url> [--dry-run] [--region <r>]
                             send the events platform functions failed on (the stack's
                             FailedInvocationsQueueUrl) back to them once the cause is fixed
  runtimes [--json] [--aws [--region <region>]]
                             every function and published version on a Lambda runtime deprecated
                             or deprecated within 180 days, with the dates, the aliases routing to
                             it and the runtime to move to; a simulated account unless --aws
  runtimes --org [--settings <file>] [--aws --role-name <role>] [--json]
                             the same for every account and region runbooks:accounts registers
                             (--settings, default cdk.context.json), 8 at a time, one table;
                             simulated accounts unless --aws, which assumes --role-name in each
  start <runbook> alarm=<name> | ${startWordsUsage} [account=<id> [region=<r>]]
        [<parameter>=<value> ...] [force=true] --dispatcher <function> [--region <region>]
                             start a runbook in a deployed stack through its dispatcher (same
                             lease, cool-down and target checks as alarms); AWS credentials needed.
                             account=: a hub's registered workload account (function=<ARN> names it)
  dispatch --event <file> [--routes <file>] [--account <id>] [--region <r>] [--aws] [--dry-run]
                             what an event (alarm state change, AWS Health notice, RotationFailed,
                             start request) would start, or why it starts nothing, decided as the
                             dispatcher decides it for a deployment in --account/--region (default:
                             the event's own), with the routing table in cdk.json; --aws reads the
                             alarm's tags from CloudWatch. Never starts anything
  slack serve --port <n> [--env <env>] [--policy <file>] [--inject <scenario>]
                             the Slack endpoints (POST /slack/commands, /slack/interactions) on
                             127.0.0.1 against a simulated account; requests must be signed with
                             SLACK_SIGNING_SECRET. --env: default staging; --policy: who may do
                             what, default examples/slack-access.json; --inject: a scenario's fault

Options:
  --json                     machine-readable output
  -h, --help                 this help`;

/** The usage's entries, each a command name with its lines (the name at column 2, the rest indented). */
const entries: ReadonlyMap<string, string> = (() => {
  const lines = usage.slice(usage.indexOf('Commands:\n') + 10, usage.indexOf('\n\nOptions:')).split('\n');
  const found = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of lines) {
    const name = /^ {2}([a-z][a-z-]*)/.exec(line)?.[1];
    if (name) {
      current = found.get(name) ?? [];
      found.set(name, current);
    }
    current?.push(line);
  }
  return new Map([...found].map(([name, text]) => [name, text.join('\n')]));
})();

/** Every command the usage names. */
export const commandNames: readonly string[] = [...entries.keys()];

/** A command-line word that names no command. */
export class UnknownCommandError extends UnknownNameError {
  override readonly name = 'UnknownCommandError';
}

/** One command's entry of the usage (`runbook help <command>`). */
export function commandHelp(command: string): string {
  const entry = entries.get(command);
  if (!entry) throw new UnknownCommandError(`unknown command "${command}"`, command, commandNames);
  return `Usage: runbook ${entry.trimStart()}`;
}

/** The name closest to a mistyped one, if one is close enough to be what was meant. */
export function didYouMean(error: UnknownNameError): string | undefined {
  const match = closestMatch(error.given, error.known, { maxDistance: 3 });
  return match === undefined || match === error.given ? undefined : match;
}
