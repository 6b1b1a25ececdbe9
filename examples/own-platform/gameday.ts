import { definitions, formatResult, loadDefinitions, runScenario } from 'lambda-runbooks';
import { ownRunbooks } from './runbooks/index.js';

/**
 * Runs this team's game days on the simulated account, with the platform deployed as `app.ts`
 * deploys it (its IAM included); exits non-zero when one fails.
 */
const runbooks = [...definitions, ...(await loadDefinitions(ownRunbooks))];
let failed = 0;
for (const runbook of ownRunbooks) {
  for (const scenario of await runbook.gameDays()) {
    const result = await runScenario(scenario, { runbooks });
    console.log(formatResult(result));
    if (result.outcome !== 'passed') failed += 1;
  }
}
process.exitCode = failed > 0 ? 1 : 0;
