import { setTimeout as delay } from 'node:timers/promises';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FisClient } from '@aws-sdk/client-fis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { lazyClients } from '../../handlers/lib/aws-clients.js';
import type { Scenario } from '../scenario.js';
import { type DriverResult, driveGameDay } from './drive-game-day.js';

export interface SandboxDriveOptions {
  readonly region: string | undefined;
  readonly approve: 'auto' | 'slack';
  readonly approvalTable: string | undefined;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal;
}

/**
 * Drives a closed-loop game day in a real sandbox account with the usual AWS credentials. The
 * driver refuses an account without the game-day stack's experiment templates.
 */
export function driveInSandbox(
  scenario: Scenario<unknown, object, object>,
  options: SandboxDriveOptions,
): Promise<DriverResult> {
  const clients = lazyClients(
    {
      fis: FisClient,
      lambda: LambdaClient,
      cloudwatch: CloudWatchClient,
      sfn: SFNClient,
      dynamodb: DynamoDBClient,
    },
    options.region ? { region: options.region } : {},
  );
  return driveGameDay(scenario, {
    clients,
    now: () => new Date(),
    sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
    log: options.log,
    signal: options.signal,
    approve: options.approve,
    ...(options.approvalTable ? { approvalTable: options.approvalTable } : {}),
  });
}
