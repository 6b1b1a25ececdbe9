import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatResult } from '../gameday/format-result.js';
import { allScenarios, runScenarioById } from '../gameday/scenarios/index.js';
import { findRunbook, runbooks } from '../runbooks/index.js';
import { diagramDocument, diagramPath, refreshDiagramsCommand } from '../state-machines/diagram-document.js';
import { renderAsl } from '../state-machines/render-asl.js';
import { renderMermaid } from '../state-machines/render-mermaid.js';
import { formatPlan, planFromFile } from './dispatch-command.js';
import { slackServe } from './slack-serve-command.js';

const usage = `runbook: automated runbooks for AWS Lambda workloads

Usage: runbook <command> [options]

Commands:
  list                       the runbook catalogue
  show <runbook>             a runbook's trigger, approval policy, guardrails and steps
  asl <runbook>              the state machine definition (ASL JSON) as deployed, with
                             \${StepFunctionArn} placeholders for the step functions
  diagram <runbook>          the runbook's Mermaid flowchart
  diagrams [--check]         write diagrams/<runbook>.md for every runbook (--check: fail if stale)
  simulate <scenario> [--json]
                             run one game-day scenario on a simulated account
  gameday [--json]           run every scenario (what \`npm start\` does)
  scenarios                  the game-day scenarios
  dispatch --event <file> [--routes <file>] [--dry-run]
                             what an alarm state-change event would start, or why it starts
                             nothing (routing by the event's alarm tags and the routing table in
                             cdk.json); never starts anything, so --dry-run is implied
  slack serve --port <n> [--env <env>] [--policy <file>] [--inject <scenario>]
                             the Slack endpoints (POST /slack/commands, /slack/interactions) on
                             127.0.0.1 against a simulated account; requests must be signed with
                             SLACK_SIGNING_SECRET. --env: default staging; --policy: who may do
                             what, default examples/slack-access.json; --inject: a scenario's fault

Options:
  --json                     machine-readable output
  -h, --help                 this help`;

/** A command-line mistake: printed with the usage hint, exit code 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

function requireArg(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

async function simulate(ids: readonly string[], json: boolean): Promise<number> {
  const results = [];
  for (const id of ids) {
    const result = await runScenarioById(id);
    results.push(result);
    if (!json) console.log(`${formatResult(result)}\n`);
  }
  const failed = results.filter((r) => r.outcome === 'failed').length;
  if (json) console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
  else if (results.length > 1)
    console.log(`${results.length} scenarios: ${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function diagrams(check: boolean): number {
  const stale: string[] = [];
  for (const runbook of runbooks) {
    const path = diagramPath(runbook);
    const expected = diagramDocument(runbook);
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // A missing diagram is stale.
    }
    if (current === expected) continue;
    if (check) stale.push(path);
    else {
      writeFileSync(path, expected);
      console.log(`wrote ${path}`);
    }
  }
  if (stale.length) {
    console.error(`stale diagrams: ${stale.join(', ')}; run \`${refreshDiagramsCommand}\``);
    return 1;
  }
  return 0;
}

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
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, arg] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case 'list':
      if (values.json)
        console.log(
          JSON.stringify(
            runbooks.map(({ id, title, description }) => ({ id, title, description })),
            null,
            2,
          ),
        );
      else for (const r of runbooks) console.log(`${r.id.padEnd(16)} ${r.title}`);
      return 0;
    case 'show': {
      const r = findRunbook(requireArg(arg, 'runbook id'));
      const shown = {
        id: r.id,
        title: r.title,
        description: r.description,
        trigger: r.trigger,
        approval: r.approval,
        guardrails: r.guardrails,
        steps: r.steps,
      };
      if (values.json) console.log(JSON.stringify(shown, null, 2));
      else {
        console.log(`${r.title} (${r.id})\n\n${r.description}\n`);
        console.log(`Trigger:    ${r.trigger.description}`);
        console.log(
          `Approval:   ${Object.entries(r.approval)
            .map(([env, mode]) => `${env}: ${mode}`)
            .join(', ')}`,
        );
        console.log(
          `Guardrails: ${Object.entries(r.guardrails)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(', ')}`,
        );
        console.log(`Steps:      ${r.steps.join(', ')}`);
      }
      return 0;
    }
    case 'asl':
      console.log(JSON.stringify(renderAsl(findRunbook(requireArg(arg, 'runbook id'))), null, 2));
      return 0;
    case 'diagram':
      process.stdout.write(renderMermaid(renderAsl(findRunbook(requireArg(arg, 'runbook id')))));
      return 0;
    case 'diagrams':
      return diagrams(values.check);
    case 'scenarios':
      for (const s of allScenarios)
        console.log(`${s.id.padEnd(20)} ${s.runbook.padEnd(16)} ${s.description}`);
      return 0;
    case 'simulate':
      return simulate([requireArg(arg, 'scenario id')], values.json);
    case 'dispatch': {
      const plan = planFromFile(requireArg(values.event, '--event <file>'), values.routes);
      console.log(values.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
      return 0;
    }
    case 'slack':
      if (arg !== 'serve') throw new UsageError('slack takes one subcommand: serve');
      return slackServe({ port: values.port, env: values.env, policy: values.policy, inject: values.inject });
    case 'gameday':
      return simulate(
        allScenarios.map((s) => s.id),
        values.json,
      );
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
    if (error.name === 'UsageError' || error.name === 'TypeError' || error.name === 'InvalidInputError')
      console.error('run `runbook --help` for usage');
    process.exitCode = 2;
  },
);
