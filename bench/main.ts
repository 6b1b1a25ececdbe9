import { alarmStorm } from './alarm-storm.js';
import type { BenchResult } from './bench-result.js';
import { cliStart } from './cli-start.js';
import { coldStart } from './cold-start.js';
import { dlqReplayBench } from './dlq-replay.js';

// The SDK's notice that its Node 20 support ends is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const benchmarks: Readonly<Record<string, () => Promise<BenchResult[]>>> = {
  'alarm-storm': alarmStorm,
  'dlq-replay': dlqReplayBench,
  'cold-start': coldStart,
  'cli-start': cliStart,
};

const json = process.argv.includes('--json');
const chosen = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const unknown = chosen.filter((name) => !Object.hasOwn(benchmarks, name));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}
const results: BenchResult[] = [];
for (const [name, benchmark] of Object.entries(benchmarks)) {
  if (chosen.length && !chosen.includes(name)) continue;
  results.push(...(await benchmark()));
}
if (json) console.log(JSON.stringify(results, null, 2));
else {
  console.log(`${'figure'.padEnd(78)} ${'median'.padStart(10)}  ${'min–max'.padEnd(20)} unit`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(78)} ${String(r.value).padStart(10)}  ${`${r.min}–${r.max}`.padEnd(20)} ${r.unit}`,
    );
  }
}
