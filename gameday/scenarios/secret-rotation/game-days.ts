import type { AccountIdentity } from '../../account/account-identity.js';
import type { SimulatedAccount } from '../../account/simulated-account.js';
import type { Scenario } from '../../scenario.js';
import { type RotationFinalState, type RotationOutcome, rotationGameDay } from './rotation-game-day.js';
import {
  rotationSettings,
  type SecretsWorld,
  type SecretsWorldOptions,
  secretsWorld,
} from './secrets-world.js';

const healthy = [{ name: 'orders-api' }, { name: 'billing-worker' }];

/** A rotation game day's world, and the platform configured for its secret. */
const world = (options: SecretsWorldOptions) => ({
  settings: (identity: AccountIdentity) => rotationSettings(identity, options),
  setup: (account: SimulatedAccount) => secretsWorld(account, options),
});
const rotated = {
  runbookOutcome: 'rotated',
  awsCurrent: 'new version',
  awsPending: 'none',
  currentCredentials: 'log in',
  consumers: 'all working',
  escalated: false,
} as const;

/** The secret-rotation game days: a rotation that works, and each way one goes wrong. */
export const secretRotationScenarios: readonly Scenario<SecretsWorld, RotationOutcome, RotationFinalState>[] =
  [
    {
      ...rotationGameDay,
      id: 'rotation-succeeds',
      environment: 'dev',
      description:
        'The monthly rotation of a single-user database secret: new password set and tested, two consumers log in with it read fresh, nothing else changes.',
      ...world({ strategy: 'single-user', consumers: healthy }),
      inject: (_account, world) => `the rotation schedule of ${world.secretName} is due`,
      expected: rotated,
    },
    {
      ...rotationGameDay,
      id: 'consumer-rejects-new',
      environment: 'dev',
      description:
        'A legacy consumer strips punctuation from passwords before connecting: the new password works for the database but not for it. The rotation is rolled back, the old password set again, every consumer works.',
      ...world({
        strategy: 'single-user',
        consumers: [...healthy, { name: 'legacy-batch', mangles: (p) => p.replace(/[^A-Za-z0-9]/g, '') }],
      }),
      inject: () =>
        'legacy-batch (which strips punctuation from passwords) is among the consumers; the rotation is due',
      expected: {
        runbookOutcome: 'rolled-back',
        awsCurrent: 'version before',
        awsPending: 'none',
        currentCredentials: 'log in',
        consumers: 'all working',
        escalated: true,
      },
    },
    {
      ...rotationGameDay,
      id: 'previous-rotation-stuck',
      environment: 'staging',
      description:
        'An earlier rotation died after createSecret and left AWSPENDING on its version, so Secrets Manager refuses every rotation. The runbook asks to remove the label, then rotates.',
      ...world({ strategy: 'single-user', consumers: healthy }),
      inject: (account, world) => {
        account.secretsManager.putSecretValue({
          SecretId: world.secretName,
          ClientRequestToken: 'a6c1a7e2-0b8e-4f3a-9d55-3c2f1e0d9b11',
          SecretString: JSON.stringify({ username: 'orders_app', password: 'Abandoned!Pending#Value2026' }),
          VersionStages: ['AWSPENDING'],
        });
        return `version a6c1a7e2-… of ${world.secretName} carries AWSPENDING from a rotation that never finished; the rotation is due`;
      },
      expected: rotated,
    },
    {
      ...rotationGameDay,
      id: 'database-unreachable',
      environment: 'dev',
      description:
        'A security-group change cuts the rotation function off from the database: setSecret fails on every attempt. AWSCURRENT is untouched and still valid, no AWSPENDING is left behind, on-call is told.',
      ...world({ strategy: 'single-user', consumers: healthy }),
      inject: (_account, world) => {
        world.db.reachable = false;
        return 'the orders database stops answering; the rotation is due';
      },
      afterRunning: (_account, world) => {
        world.db.reachable = true;
      },
      expected: {
        runbookOutcome: 'escalated',
        awsCurrent: 'version before',
        awsPending: 'none',
        currentCredentials: 'log in',
        consumers: 'all working',
        escalated: true,
      },
    },
    {
      ...rotationGameDay,
      id: 'alternating-users',
      environment: 'dev',
      description:
        'An alternating-users secret: the admin sets a new password on the second user and AWSCURRENT moves to it, so the previous user keeps working for consumers still holding it.',
      ...world({ strategy: 'alternating-users', consumers: healthy }),
      inject: (_account, world) => `the rotation schedule of ${world.secretName} (alternating users) is due`,
      expected: rotated,
    },
  ];
