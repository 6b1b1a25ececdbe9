import { formatResult } from '../gameday/format-result.js';
import { runScenario, type ScenarioResult } from '../gameday/run-scenario.js';
import { findScenario } from '../gameday/scenarios/index.js';

/**
 * `runbook simulate <id>` and `runbook gameday`: runs game days one after another and prints each
 * timeline (or, with `--json`, one JSON document). On a terminal a progress line shows which game
 * day is running; it is never written to `--json` output or to a pipe.
 */
export async function simulate(ids: readonly string[], json: boolean): Promise<number> {
  const scenarios = ids.map(findScenario);
  const progress = !json && process.stdout.isTTY === true;
  const results: ScenarioResult[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    if (progress) {
      process.stdout.write(
        `\r\x1b[K[${index + 1}/${scenarios.length}] ${scenario.id} (${scenario.runbook})…`,
      );
    }
    const result = await runScenario(scenario);
    results.push(result);
    if (progress) process.stdout.write('\r\x1b[K');
    if (!json) console.log(`${formatResult(result)}\n`);
  }
  const failed = results.filter((r) => r.outcome === 'failed').length;
  if (json) console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
  else if (results.length > 1)
    console.log(`${results.length} scenarios: ${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
