import type { StartRequest } from '../../../handlers/dispatcher/start-request.js';
import type { RotationReport } from '../../../handlers/secret-rotation/report-rotation.js';
import type { SimulatedAccount } from '../../account/simulated-account.js';
import { type RunFacts, runbookOutcomeOf, type Scenario } from '../../scenario.js';
import type { SecretsWorld } from './secrets-world.js';

/** What a rotation game day ends with, compared field by field with the expectation. */
export interface RotationOutcome {
  readonly runbookOutcome: RotationReport['outcome'] | 'not-started' | 'execution-failed';
  /** Where AWSCURRENT ended: on the rotation's new version, or on the version current before the fault. */
  readonly awsCurrent: 'new version' | 'version before';
  /** Whether an AWSPENDING label is left on a version other than AWSCURRENT (blocking rotations). */
  readonly awsPending: 'none' | 'left behind';
  /** Whether the database accepts the AWSCURRENT credentials at the end. */
  readonly currentCredentials: 'log in' | 'refused';
  /** Whether every consumer's ordinary requests work at the end. */
  readonly consumers: 'all working' | 'some failing';
  readonly escalated: boolean;
}

/** Each secret's versions by id and label (never values), and whether each consumer works. */
export interface RotationFinalState {
  readonly secrets: readonly {
    readonly name: string;
    readonly versions: readonly { readonly versionId: string; readonly stages: readonly string[] }[];
  }[];
  readonly consumers: readonly { readonly name: string; readonly works: boolean }[];
}

/** Each consumer's ordinary request through its alias, as its callers make it. */
async function consumersWork(account: SimulatedAccount, world: SecretsWorld) {
  return Promise.all(
    world.consumers.map(async (name) => ({
      name,
      works: (await account.lambda.code.invoke(name, 'live', {})).ok,
    })),
  );
}

/** The schedule's start request, as the CDK app's rule for the secret sends it. */
export function scheduledStart(world: SecretsWorld): StartRequest {
  return {
    startRequest: {
      runbook: 'secret-rotation',
      target: `secret:${world.secretName}`,
      requestedBy: `schedule:${world.secretName}`,
    },
  };
}

/** What every rotation game day shares: the runbook, how it starts, and how it reads the outcome. */
export const rotationGameDay = {
  runbook: 'secret-rotation',
  warmUpMinutes: 10,
  // Long enough for every consumer's cache to expire: their ordinary requests show what stuck.
  aftermathMinutes: 10,
  startRequest: scheduledStart,
  async outcome(account: SimulatedAccount, world: SecretsWorld, facts: RunFacts): Promise<RotationOutcome> {
    const { store } = account.secretsManager;
    const secret = store.get(world.secretName);
    const current = store.labelled(secret, 'AWSCURRENT');
    const pending = store.labelled(secret, 'AWSPENDING');
    const creds = JSON.parse(current?.value ?? '{}') as { username?: string; password?: string };
    const consumers = await consumersWork(account, world);
    return {
      runbookOutcome: runbookOutcomeOf(facts, (r) => (r as RotationReport).outcome),
      awsCurrent: current?.id === world.initialVersion ? 'version before' : 'new version',
      awsPending: pending && pending !== current ? 'left behind' : 'none',
      currentCredentials: world.db.login(creds.username ?? '', creds.password ?? '') ? 'log in' : 'refused',
      consumers: consumers.every((c) => c.works) ? 'all working' : 'some failing',
      escalated: facts.escalations > 0,
    };
  },
  async finalState(account: SimulatedAccount, world: SecretsWorld): Promise<RotationFinalState> {
    const { store } = account.secretsManager;
    return {
      secrets: store.all().map((secret) => ({
        name: secret.name,
        versions: [...secret.versions.values()].map((v) => ({
          versionId: v.id,
          stages: [...v.stages].sort(),
        })),
      })),
      consumers: await consumersWork(account, world),
    };
  },
  summary: (a: RotationOutcome) =>
    `${a.runbookOutcome} · AWSCURRENT on the ${a.awsCurrent} · AWSPENDING ${a.awsPending} · current credentials ${a.currentCredentials} · consumers ${a.consumers}${a.escalated ? ' · escalated' : ''}`,
} satisfies Omit<
  Scenario<SecretsWorld, RotationOutcome, RotationFinalState>,
  'id' | 'description' | 'environment' | 'setup' | 'inject' | 'expected'
>;
