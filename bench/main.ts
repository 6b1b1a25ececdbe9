import { alarmStorm } from './alarm-storm.js';
import type { BenchResult } from './bench-result.js';
import { dlqReplayBench } from './dlq-replay.js';

// The SDK's notice that its Node 20 support ends is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const benchmarks: readonly (() => Promise<BenchResult[]>)[] = [alarmStorm, dlqReplayBench];

const json = process.argv.includes('--json');
const results: BenchResult[] = [];
for (const benchmark of benchmarks) results.push(...(await benchmark()));
if (json) console.log(JSON.stringify(results, null, 2));
else for (const r of results) console.log(`${r.name.padEnd(68)} ${String(r.value).padStart(10)} ${r.unit}`);
