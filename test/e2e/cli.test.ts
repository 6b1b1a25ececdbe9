import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { runScenario } from '../../gameday/run-scenario.js';
import { findScenario } from '../../gameday/scenarios/catalogue.js';
import { functionArnPlaceholder } from '../../state-machines/render-asl.js';
import { validateAsl } from '../../state-machines/validate-asl.js';

const run = async (...args: string[]) => {
  try {
    // The CLI as installed: compiled JavaScript (npm test builds it first).
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['dist/cli/main.js', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('runbook CLI', () => {
  it('prints versions by id, never a secret value, for a rotation game day in text and JSON', async () => {
    // Game days are deterministic: the same run in process holds the values the CLI's run held.
    let account: SimulatedAccount | undefined;
    await runScenario(findScenario('consumer-rejects-new'), { onAccount: (a) => (account = a) });
    const values = [...(account as SimulatedAccount).secretsManager.store.valuesEverHeld];
    // Values are JSON documents with a password, or the random passwords themselves.
    const passwords = values.map((v) => {
      try {
        return String((JSON.parse(v) as { password: unknown }).password);
      } catch {
        return v;
      }
    });
    const text = await run('simulate', 'consumer-rejects-new');
    const json = await run('simulate', 'consumer-rejects-new', '--json');
    expect(text.code).toBe(0);
    expect(JSON.parse(json.stdout).finalState.secrets[0].versions).toContainEqual({
      versionId: expect.any(String),
      stages: ['AWSCURRENT'],
    });
    for (const secret of [...values, ...passwords]) {
      expect(text.stdout + text.stderr + json.stdout + json.stderr).not.toContain(secret);
    }
  });

  it('lists the catalogue', async () => {
    const { code, stdout } = await run('list');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^api-5xx-spike\s+5XX error spike$/m);
  });

  it('simulates a scenario and prints one JSON object with outcome, timeline and final state', async () => {
    const { code, stdout } = await run('simulate', 'bad-deploy', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      scenario: 'bad-deploy',
      runbook: 'api-5xx-spike',
      outcome: 'passed',
      expected: { aliasVersion: '5' },
      actual: { aliasVersion: '5', alarmState: 'OK' },
      finalState: {
        alias: { functionName: 'checkout-api', alias: 'live', functionVersion: '5' },
        alarm: { state: 'OK' },
      },
    });
    expect(result.timeline.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['fault', 'alarm', 'state', 'change']),
    );
  });

  it('prints ASL that validates, with placeholders for the step functions', async () => {
    const { code, stdout } = await run('asl', 'api-5xx-spike');
    expect(code).toBe(0);
    const asl = JSON.parse(stdout);
    expect(validateAsl(asl).valid).toBe(true);
    expect(asl.States['Roll back alias'].Resource).toBe(functionArnPlaceholder('rollback-alias'));
  });

  it('names the known runbooks when asked for an unknown one', async () => {
    const { code, stderr } = await run('show', 'api-4xx');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown runbook "api-4xx"; known runbooks: api-5xx-spike');
  });

  it('names the known scenarios when asked for an unknown one', async () => {
    const { code, stderr } = await run('simulate', 'meteor-strike');
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown scenario "meteor-strike"; known scenarios: bad-deploy, /);
  });

  it('refuses a --speed that is no positive number, and --speed for a sandbox, before injecting anything', async () => {
    for (const speed of ['0', '-5', 'fast']) {
      const { code, stderr } = await run('gameday', 'run', 'bad-deploy', `--speed=${speed}`);
      expect(code).toBe(2);
      expect(stderr).toContain('--speed is a positive number of virtual seconds per real second');
    }
    const sandbox = await run('gameday', 'run', 'bad-deploy', '--aws', '--speed', '60');
    expect(sandbox.code).toBe(2);
    expect(sandbox.stderr).toContain('--speed paces the simulated account; a sandbox runs in real time');
  });

  it('rejects an unknown command with a usage hint', async () => {
    const { code, stderr } = await run('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command "frobnicate"[\s\S]*runbook --help/);
  });

  it('suggests what a typo meant: a command, a runbook, a scenario', async () => {
    const command = await run('scenarois');
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('did you mean "scenarios"?');
    const runbook = await run('show', 'dlq-repaly');
    expect(runbook.code).toBe(2);
    expect(runbook.stderr).toContain('did you mean "dlq-replay"?');
    const scenario = await run('simulate', 'bad-deply');
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toContain('did you mean "bad-deploy"?');
    expect((await run('frobnicate')).stderr).not.toContain('did you mean');
  });

  it('prints help with no arguments, with help, and for one command, exiting 0', async () => {
    const bare = await run();
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(/^Usage: runbook <command>/m);
    expect((await run('help')).stdout).toBe(bare.stdout);
    const one = await run('help', 'resume');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^Usage: runbook resume --table <lease table> --by <person>/);
    expect(one.stdout).not.toContain('redrive-failed-dispatches');
    expect((await run('resume', '--help')).stdout).toBe(one.stdout);
  });

  it('lists scenarios as JSON, saying which can run closed-loop, and names those when one cannot', async () => {
    const { code, stdout } = await run('scenarios', '--json');
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as { id: string; runbook: string; closedLoop: boolean }[];
    expect(listed.find((s) => s.id === 'bad-deploy')).toMatchObject({
      runbook: 'api-5xx-spike',
      closedLoop: true,
    });
    const simulatorOnly = listed.find((s) => !s.closedLoop);
    if (!simulatorOnly) throw new Error('every scenario is closed-loop');
    const refused = await run('gameday', 'run', simulatorOnly.id);
    expect(refused.code).toBe(2);
    for (const s of listed.filter((l) => l.closedLoop)) expect(refused.stderr).toContain(s.id);
  });

  it('reports committed diagrams as current', async () => {
    const { code } = await run('diagrams', '--check');
    expect(code).toBe(0);
  });
});

describe('runbook slack serve', () => {
  it('serves signed Slack requests on loopback and answers 401 to forged ones', async () => {
    const { spawn } = await import('node:child_process');
    const { sendSigned } = await import('../support/slack-client.js');
    const child = spawn(process.execPath, ['dist/cli/main.js', 'slack', 'serve', '--port', '0'], {
      env: { ...process.env, SLACK_SIGNING_SECRET: 'cli-test-secret' },
    });
    try {
      const base = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          const match = /Slack endpoints on (http:\/\/127\.0\.0\.1:\d+)\/slack\/commands/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const form = {
        command: '/runbook',
        user_id: 'U01ONCALL',
        text: 'list',
        response_url: 'http://127.0.0.1:9/none',
      };
      const forged = await sendSigned(`${base}/slack/commands`, form, { secret: 'guessed' });
      expect(forged.status).toBe(401);
      const signed = await sendSigned(`${base}/slack/commands`, form, { secret: 'cli-test-secret' });
      expect(signed.status).toBe(200);
      expect(signed.body.text).toMatch(/^Runbooks in staging:/);
    } finally {
      child.kill('SIGINT');
    }
  });

  it('refuses to serve without a signing secret', async () => {
    const { code, stderr } = await run('slack', 'serve', '--port', '0');
    expect(code).toBe(2);
    expect(stderr).toMatch(/set SLACK_SIGNING_SECRET/);
  });
});

describe('runbook simulate for a DLQ game day', () => {
  it('prints every queue with its final visible and in-flight counts', async () => {
    const { code, stdout } = await run('simulate', 'poison-messages', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ scenario: 'poison-messages', runbook: 'dlq-replay', outcome: 'passed' });
    expect(result.finalState.queues).toEqual([
      { name: 'orders-dlq', visible: 0, inFlight: 0 },
      { name: 'orders', visible: 0, inFlight: 0 },
      { name: 'orders-dlq-quarantine', visible: 50, inFlight: 0 },
    ]);
  });

  it('runs a game day under fault schedules and prints what each runbook met, in JSON and text', async () => {
    const json = await run(
      'gameday',
      '--faults',
      '2',
      '--seed',
      '7',
      '--scenario',
      'reserved-too-low',
      '--json',
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { runbook: 'lambda-throttling', schedules: 2, faultsInjected: expect.any(Number), violations: [] },
    ]);
    const text = await run('gameday', '--faults', '1', '--seed', '7', '--scenario', 'reserved-too-low');
    expect(text.stdout).toMatch(/fault schedules of seed 7 on 1 game day/);
    expect(text.stdout).toMatch(/lambda-throttling\s+1\s+\d+\s+0/);
    const refused = await run('gameday', '--faults', '0');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--faults takes a whole number from 1 to 10000, not "0"');
    const unknown = await run('gameday', '--faults', '1', '--scenario', 'no-such-game-day');
    expect(unknown.stderr).toContain('unknown scenario "no-such-game-day"');
  });
});
