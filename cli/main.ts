#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { PlatformError, UnknownNameError } from '../handlers/lib/errors.js';
import { painterFor } from './colour.js';
import { commandHelp, commandNames, didYouMean, UnknownCommandError, usage } from './usage.js';

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
      org: { type: 'boolean', default: false },
      settings: { type: 'string' },
      evidence: { type: 'string' },
      source: { type: 'string' },
      'public-key': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      bucket: { type: 'string' },
      'signing-key': { type: 'string' },
      csv: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      escalation: { type: 'boolean', default: false },
      'role-name': { type: 'string' },
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
      faults: { type: 'string' },
      seed: { type: 'string' },
      scenario: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, arg] = positionals;
  if (!command || (values.help && command === 'help')) {
    console.log(usage);
    return 0;
  }
  if (values.help) {
    console.log(commandHelp(command));
    return 0;
  }
  switch (command) {
    case 'help':
      console.log(arg ? commandHelp(arg) : usage);
      return 0;
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
    case 'status':
      return (await import('./status-command.js')).statusCommand({
        table: values.table,
        region: values.region,
        json: values.json,
      });
    case 'runtimes':
      return (await import('./runtimes-command.js')).runtimesCommand({
        aws: values.aws,
        region: values.region,
        json: values.json,
        org: values.org,
        settings: values.settings,
        roleName: values['role-name'],
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
      return (await import('./definition-commands.js')).diagram(requireArg(arg, 'runbook id'), {
        full: values.full,
        escalation: values.escalation,
        env: values.env,
        policy: values.policy,
      });
    case 'diagrams':
      return (await import('./diagrams-command.js')).diagrams(values.check);
    case 'scenarios':
      return (await import('./catalogue-commands.js')).listScenarios(values.json);
    case 'simulate':
      return (await import('./gameday-command.js')).simulate([requireArg(arg, 'scenario id')], {
        json: values.json,
        html: values.html,
        configuration: values.configuration,
        evidence: values.evidence,
      });
    case 'doctor':
      return (await import('./doctor-command.js')).doctorCommand({
        aws: values.aws,
        region: values.region,
        json: values.json,
      });
    case 'evidence': {
      const evidence = await import('./evidence-command.js');
      const source = {
        source: values.source,
        publicKey: values['public-key'],
        aws: values.aws,
        bucket: values.bucket,
        signingKey: values['signing-key'],
        region: values.region,
        json: values.json,
      };
      if (arg === 'verify')
        return evidence.verifyEvidence(
          values.aws ? positionals[2] : requireArg(positionals[2], 'record file or folder'),
          {
            ...source,
            ...(values.from ? { from: values.from } : {}),
            ...(values.to ? { to: values.to } : {}),
          },
        );
      if (arg === 'export')
        return evidence.exportEvidence({
          ...source,
          from: values.from,
          to: values.to,
          html: values.html,
          csv: values.csv,
        });
      return evidence.showEvidence(requireArg(arg, 'execution name or ARN'), source);
    }
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
      if (values.faults !== undefined)
        return (await import('./gameday-faults-command.js')).gamedayFaults({
          faults: values.faults,
          seed: values.seed,
          scenario: values.scenario,
          json: values.json,
          configuration: values.configuration,
        });
      if (values.seed !== undefined || values.scenario !== undefined)
        throw new UsageError('--seed and --scenario go with --faults <n>');
      const { scenarios } = await import('../gameday/scenarios/catalogue.js');
      const { simulate } = await import('./gameday-command.js');
      return simulate(
        scenarios.map((s) => s.id),
        {
          json: values.json,
          html: values.html,
          configuration: values.configuration,
          evidence: values.evidence,
        },
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
      throw new UnknownCommandError(`unknown command "${command}"`, command, commandNames);
  }
}

// The SDK's notice that its Node 20 support ends is noise on every local run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(painterFor(process.stderr)('red', `runbook: ${error.message}`));
    const meant = error instanceof UnknownNameError ? didYouMean(error) : undefined;
    if (meant) console.error(`did you mean "${meant}"?`);
    if (
      [
        'UsageError',
        'TypeError',
        'InvalidInputError',
        'StartUsageError',
        'UnknownRunbookError',
        'UnknownScenarioError',
        'UnknownCommandError',
      ].includes(error.name)
    )
      console.error('run `runbook --help` for usage');
    process.exitCode = 2;
  },
);
