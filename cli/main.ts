#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { PlatformError } from '../handlers/lib/errors.js';
import { startWordsUsage } from '../handlers/lib/start-grammar.js';

const usage = `runbook: automated runbooks for AWS Lambda workloads

Usage: runbook <command> [options]

Commands:
  list                       the runbook catalogue
  show <runbook>             a runbook's trigger, approval policy, guardrails and steps
  asl <runbook>              the state machine definition (ASL JSON) as deployed, with
                             \${StepFunctionArn} placeholders for the step functions
  diagram <runbook>          the runbook's Mermaid flowchart
  diagrams [--check]         write diagrams/<runbook>.md for every runbook (--check: fail if stale)
  simulate <scenario> [--json] [--configuration default|scoped-prod]
                             run one game-day scenario on a simulated account
  gameday [--json] [--html <file>] [--configuration default|scoped-prod]
                             run every scenario (what \`npm start\` does); --html writes the
                             self-contained game-day report. The platform is deployed as the CDK
                             app synthesizes it for the configuration (default: cdk.json's
                             defaults; scoped-prod: examples/scoped-prod.context.json), and every
                             call its functions make is authorized by its IAM policies
  gameday run <scenario> [--aws [--region <r>]] [--approve auto|slack] [--approval-table <t>]
        [--speed <x>] [--html <file>] [--json]
                             a closed-loop game day: inject the fault (FIS or a deployment), wait
                             for the alarm, follow the runbook, measure time to detect and to
                             mitigate, and always take the fault back (also on Ctrl-C) and check
                             it is gone. On the simulated account unless --aws (a sandbox with the
                             game-day stack); --speed x runs it at x times real time to watch it
  scenarios                  the game-day scenarios
  new <runbook> [--target queue|function] [--package <name>]
                             write a working runbook: its folder (definition, two steps, a game
                             day), a test, its diagram, and its line in runbooks/catalogue.ts.
                             Run in the project's root; docs/writing-a-runbook.md goes on from there.
                             --package: the folder alone, for a team's own repository, importing
                             the platform from the package (see examples/own-platform)
  resume --table <lease table> --by <person> [--region <r>]
                             resume automatic remediation the circuit breaker paused (the stack's
                             LeaseTableName); until then every run asks a human
  redrive-failed-dispatches --queue <url> [--dry-run] [--region <r>]
                             send the events platform functions failed on (the stack's
                             FailedInvocationsQueueUrl) back to them once the cause is fixed
  runtimes [--json] [--aws [--region <region>]]
                             every function and published version on a Lambda runtime deprecated
                             or deprecated within 180 days, with the dates, the aliases routing to
                             it and the runtime to move to; a simulated account unless --aws
  start <runbook> alarm=<name> | ${startWordsUsage}
        [<parameter>=<value> ...] [force=true] --dispatcher <function> [--region <region>]
                             start a runbook in a deployed stack through its dispatcher (same
                             lease, cool-down and target checks as alarms); AWS credentials needed
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

/** A command-line mistake: printed with the usage hint, exit code 2. */
class UsageError extends PlatformError {
  override readonly name = 'UsageError';
}

function requireArg(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

// Each command loads only the modules it needs: listing the catalogue must not load the CDK, the
// Step Functions engine or the simulator.
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      event: { type: 'string' },
      routes: { type: 'string' },
      port: { type: 'string' },
      env: { type: 'string', default: 'staging' },
      policy: { type: 'string', default: 'examples/slack-access.json' },
      inject: { type: 'string' },
      dispatcher: { type: 'string' },
      region: { type: 'string' },
      account: { type: 'string' },
      aws: { type: 'boolean', default: false },
      queue: { type: 'string' },
      table: { type: 'string' },
      package: { type: 'string' },
      by: { type: 'string' },
      html: { type: 'string' },
      approve: { type: 'string', default: 'slack' },
      'approval-table': { type: 'string' },
      speed: { type: 'string' },
      configuration: { type: 'string', default: 'default' },
      target: { type: 'string', default: 'queue' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, arg] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case 'resume':
      return (await import('./resume-command.js')).resumeCommand({
        table: values.table,
        by: values.by,
        region: values.region,
      });
    case 'redrive-failed-dispatches': {
      const { redriveCommand } = await import('./redrive-command.js');
      return redriveCommand({
        queue: values.queue,
        region: values.region,
        dryRun: values['dry-run'],
        json: values.json,
      });
    }
    case 'runtimes':
      return (await import('./runtimes-command.js')).runtimesCommand({
        aws: values.aws,
        region: values.region,
        json: values.json,
      });
    case 'new':
      return (await import('./new-runbook-command.js')).newRunbook(
        requireArg(arg, 'runbook id'),
        values.target,
        values.package,
      );
    case 'list':
      return (await import('./catalogue-commands.js')).list(values.json);
    case 'show':
      return (await import('./catalogue-commands.js')).show(requireArg(arg, 'runbook id'), values.json);
    case 'asl':
      return (await import('./definition-commands.js')).asl(requireArg(arg, 'runbook id'));
    case 'diagram':
      return (await import('./definition-commands.js')).diagram(requireArg(arg, 'runbook id'));
    case 'diagrams':
      return (await import('./definition-commands.js')).diagrams(values.check);
    case 'scenarios': {
      const { scenarios } = await import('../gameday/scenarios/catalogue.js');
      for (const s of scenarios) console.log(`${s.id.padEnd(24)} ${s.runbook.padEnd(18)} ${s.description}`);
      return 0;
    }
    case 'simulate':
      return (await import('./gameday-command.js')).simulate([requireArg(arg, 'scenario id')], {
        json: values.json,
        html: values.html,
        configuration: values.configuration,
      });
    case 'gameday': {
      if (arg === 'run') {
        const approve = values.approve;
        if (approve !== 'auto' && approve !== 'slack') throw new UsageError('--approve is auto or slack');
        const speed = values.speed === undefined ? undefined : Number(values.speed);
        if (speed !== undefined && !(Number.isFinite(speed) && speed > 0))
          throw new UsageError('--speed is a positive number of virtual seconds per real second');
        return (await import('./gameday-run-command.js')).gamedayRun(
          requireArg(positionals[2], 'scenario id'),
          {
            aws: values.aws,
            region: values.region,
            approve,
            approvalTable: values['approval-table'],
            html: values.html,
            json: values.json,
            speed,
          },
        );
      }
      const { scenarios } = await import('../gameday/scenarios/catalogue.js');
      const { simulate } = await import('./gameday-command.js');
      return simulate(
        scenarios.map((s) => s.id),
        { json: values.json, html: values.html, configuration: values.configuration },
      );
    }
    case 'start': {
      const { startCommand } = await import('./start-command.js');
      return startCommand(positionals.slice(1), {
        dispatcher: values.dispatcher,
        region: values.region,
        json: values.json,
      });
    }
    case 'dispatch': {
      const { decisionSummary, formatDecision, planFromFile } = await import('./dispatch-command.js');
      if (values.account !== undefined && !/^\d{12}$/.test(values.account))
        throw new UsageError(`--account takes a 12-digit account id, not ${JSON.stringify(values.account)}`);
      const aws = values.aws
        ? await import('../handlers/dispatcher/alarm-lookups.js').then(async ({ cloudwatchLookups }) => {
            const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
            return cloudwatchLookups(new CloudWatchClient(values.region ? { region: values.region } : {}));
          })
        : undefined;
      const decisions = await planFromFile(requireArg(values.event, '--event <file>'), {
        ...(values.routes ? { routesFile: values.routes } : {}),
        ...(values.account ? { accountId: values.account } : {}),
        ...(values.region ? { region: values.region } : {}),
        ...(aws ? { alarms: aws } : {}),
      });
      console.log(
        values.json
          ? JSON.stringify(decisions.map(decisionSummary), null, 2)
          : decisions.map(formatDecision).join('\n'),
      );
      return 0;
    }
    case 'slack': {
      if (arg !== 'serve') throw new UsageError('slack takes one subcommand: serve');
      const { slackServe } = await import('./slack-serve-command.js');
      return slackServe({ port: values.port, env: values.env, policy: values.policy, inject: values.inject });
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

// The SDK's notice that its Node 20 support ends is noise on every local run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(`runbook: ${error.message}`);
    if (
      ['UsageError', 'TypeError', 'InvalidInputError', 'StartUsageError', 'UnknownRunbookError'].includes(
        error.name,
      )
    )
      console.error('run `runbook --help` for usage');
    process.exitCode = 2;
  },
);
