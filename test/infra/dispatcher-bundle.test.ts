import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatcherEntrySource } from '../../infra/dispatcher-entry.js';
import { platformBundling } from '../../infra/platform-function.js';
import { runbooks } from '../../runbooks/catalogue.js';
import { eventTriggersOf } from '../../runbooks/deployment.js';

const healthNotice = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'AWS Health Event',
  source: 'aws.health',
  account: '999999999999',
  time: '2026-03-02T09:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {
    service: 'LAMBDA',
    eventTypeCategory: 'scheduledChange',
    eventTypeCode: 'AWS_LAMBDA_PLANNED_LIFECYCLE_EVENT',
    affectedEntities: [{ entityValue: 'arn:aws:lambda:eu-west-1:999999999999:function:orders-api' }],
  },
};

/**
 * The dispatcher as the CDK app bundles it (`platformBundling`, from the entry it writes with the
 * deployed runbooks' trigger modules), loaded in a process of its own and invoked as Lambda would.
 */
describe('the dispatcher’s bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dispatcher-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const triggers = eventTriggersOf(runbooks);
  const triggerModules = triggers.map((t) => fileURLToPath(t.module));
  writeFileSync(join(dir, 'entry.mjs'), dispatcherEntrySource(triggers));
  const bundled = build({
    entryPoints: [join(dir, 'entry.mjs')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: platformBundling.target,
    mainFields: [...platformBundling.mainFields],
    external: [...platformBundling.externalModules],
    banner: { js: platformBundling.banner },
    metafile: true,
    outfile: join(dir, 'index.mjs'),
    logLevel: 'silent',
  });

  it('carries the runbooks’ trigger modules and nothing else of the runbooks', async () => {
    const { metafile } = await bundled;
    const inputs = Object.keys(metafile.inputs);
    expect(triggerModules).toHaveLength(2);
    for (const module of triggerModules)
      expect(inputs.some((input) => module.endsWith(input.replace(/^(\.\.\/)+/, '')))).toBe(true);
    expect(inputs.filter((input) => input.startsWith('runbooks/')).sort()).toEqual([
      'runbooks/runtime-upgrade/health-trigger.ts',
      'runbooks/secret-rotation/rotation-failed-trigger.ts',
    ]);
    expect(inputs.filter((input) => input.includes('aws-cdk-lib'))).toEqual([]);
  });

  it('decides a Health notice by the trigger its entry loads, not as a malformed alarm', async () => {
    await bundled;
    const config = {
      routes: [],
      changeBudget: { perHour: 20, breakerFailures: 3, breakerWindowMinutes: 60 },
      leaseTable: 'leases',
      accountId: '123456789012',
      region: 'eu-west-1',
      environment: 'dev',
      runbooks: {
        'runtime-upgrade': {
          stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:runbook-runtime-upgrade',
          targets: ['function'],
          locks: ['target'],
          alarms: false,
          parameters: {},
          leaseSeconds: 3600,
          cooldownSeconds: 0,
        },
      },
    };
    const invoke = join(dir, 'invoke.mjs');
    writeFileSync(
      invoke,
      `import { handler } from './index.mjs';
const context = { functionName: 'dispatcher', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 30000 };
console.log('OUTCOMES ' + JSON.stringify(await handler(${JSON.stringify(healthNotice)}, context)));`,
    );
    const output = execFileSync(process.execPath, [invoke], {
      encoding: 'utf8',
      env: {
        ...process.env,
        DISPATCHER_CONFIG: JSON.stringify(config),
        AWS_REGION: 'eu-west-1',
        POWERTOOLS_METRICS_NAMESPACE: 'LambdaRunbooks',
        POWERTOOLS_DEV: 'true',
      },
    });
    const outcomes = JSON.parse(output.split('OUTCOMES ')[1] ?? '[]') as { action: string; reason: string }[];
    // The notice is another account's: refused by the dispatcher's checks, before any AWS call.
    expect(outcomes).toEqual([
      expect.objectContaining({
        action: 'ignore',
        runbook: 'runtime-upgrade',
        reason: expect.stringMatching(/account 999999999999 .* acts in 123456789012/),
      }),
    ]);
  });
});
