import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { policyEvaluatorInstalled } from '../gameday/account/iam/policy-evaluator.js';
import { formatResult, wrapped } from '../gameday/format-result.js';
import {
  type PlatformConfigurationName,
  platformConfiguration,
  platformConfigurationNames,
} from '../gameday/iam/platform-configurations.js';
import { htmlReport } from '../gameday/report/html-report.js';
import { runScenario, type ScenarioResult } from '../gameday/run-scenario.js';
import { findScenario } from '../gameday/scenarios/catalogue.js';
import { InvalidInputError } from '../handlers/lib/errors.js';
import { painterFor } from './colour.js';
import { writeEvidence } from './evidence-command.js';
import { fileNameOf } from './evidence-pages.js';

/**
 * `runbook simulate <id>` and `runbook gameday`: runs game days one after another and prints each
 * timeline (or, with `--json`, one JSON document); `--html` also writes the report. On a terminal a
 * progress line shows which game day is running; it is never written to `--json` output or to a pipe.
 */
/** The platform configuration `--configuration` names; the error lists the names there are. */
export function configurationNamed(name: string) {
  const names: readonly string[] = platformConfigurationNames;
  if (!names.includes(name)) {
    throw new InvalidInputError(
      `--configuration is one of ${platformConfigurationNames.join(', ')}, not "${name}"`,
    );
  }
  return platformConfiguration(name as PlatformConfigurationName);
}

export async function simulate(
  ids: readonly string[],
  options: {
    readonly json: boolean;
    readonly html: string | undefined;
    readonly configuration: string;
    /** A folder for each execution's signed evidence record and the public key. */
    readonly evidence?: string | undefined;
  },
): Promise<number> {
  const { json } = options;
  const configuration = configurationNamed(options.configuration);
  const scenarios = ids.map(findScenario);
  if (!json) {
    console.log(
      `${wrapped(
        '',
        (await policyEvaluatorInstalled())
          ? `platform deployed with ${configuration.name} settings (${configuration.description}); every call is authorized by its IAM policies`
          : `platform deployed with ${configuration.name} settings; IAM is NOT enforced: the policy evaluator (@cloud-copilot/iam-simulate, a development dependency) is not installed`,
      )}\n`,
    );
  }
  const progress = !json && process.stdout.isTTY === true;
  const paint = painterFor(process.stdout);
  // The scenario's heading in bold, its verdict in green or red.
  const painted = (text: string) =>
    text
      .split('\n')
      .map((line) =>
        line.startsWith('▶ ')
          ? paint('bold', line)
          : line.startsWith('  ✔ ')
            ? paint('green', line)
            : line.startsWith('  ✖ ')
              ? paint('red', line)
              : line,
      )
      .join('\n');
  const results: ScenarioResult[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    if (progress) {
      process.stdout.write(
        `\r\x1b[K[${index + 1}/${scenarios.length}] ${scenario.id} (${scenario.runbook})…`,
      );
    }
    const result = await runScenario(scenario, { configuration, evidence: options.evidence !== undefined });
    if (options.evidence && result.evidence) writeEvidence(options.evidence, scenario.id, result.evidence);
    results.push(result);
    if (progress) process.stdout.write('\r\x1b[K');
    if (!json) console.log(`${painted(formatResult(result))}\n`);
  }
  const failed = results.filter((r) => r.outcome === 'failed').length;
  if (options.evidence && !json) console.log(`evidence records written to ${options.evidence}`);
  if (options.html) {
    const evidenceDir = options.evidence;
    // Each game day's section links its records, relative to the report so the two move together.
    const records = evidenceDir
      ? (scenario: string) =>
          (results.find((r) => r.scenario === scenario)?.evidence?.records ?? []).map((record) => ({
            name: record.execution.name,
            href: relative(
              dirname(resolve(options.html ?? '')),
              join(resolve(evidenceDir), scenario, `${fileNameOf(record.execution.name)}.json`),
            ),
          }))
      : undefined;
    writeFileSync(options.html, htmlReport({ local: results }, new Date(), records));
    if (!json) console.log(`report written to ${options.html}`);
  }
  if (json) console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
  else if (results.length > 1)
    console.log(
      paint(
        failed === 0 ? 'green' : 'red',
        `${results.length} scenarios: ${results.length - failed} passed, ${failed} failed`,
      ),
    );
  return failed === 0 ? 0 : 1;
}
