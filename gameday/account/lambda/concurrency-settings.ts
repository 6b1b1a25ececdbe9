import {
  type GetAccountSettingsCommandOutput,
  type ProvisionedConcurrencyConfigListItem,
  ProvisionedConcurrencyConfigNotFoundException,
  type PutFunctionEventInvokeConfigCommandInput,
} from '@aws-sdk/client-lambda';
import type { VirtualClock } from '../virtual-clock.js';
import { invalid } from './lambda-errors.js';

const noConfig = (functionName: string, qualifier: string) =>
  new ProvisionedConcurrencyConfigNotFoundException({
    message: `No Provisioned Concurrency Config found for this function: ${functionName}:${qualifier}`,
    $metadata: {},
    Type: 'User',
  });

/** Concurrency the account keeps for functions without a reservation; Lambda refuses less. */
export const minimumUnreserved = 100;
/** Seconds Lambda takes, in the simulator, to allocate provisioned concurrency (AWS documents no figure). */
export const provisioningSeconds = 120;

export interface ProvisionedConfig {
  readonly functionName: string;
  /** Alias or version number. */
  readonly qualifier: string;
  readonly requested: number;
  readonly requestedAt: number;
  readonly lastModified: number;
  status: 'IN_PROGRESS' | 'READY' | 'FAILED';
  statusReason?: string;
}

/** A function's asynchronous invocation configuration. */
export interface AsyncConfig {
  readonly maximumEventAgeInSeconds: number;
  readonly maximumRetryAttempts: number;
  readonly onFailure?: string;
}

/**
 * The account's concurrency settings as Lambda's API keeps them: the account limit, reserved
 * concurrency per function (refused when it would leave less than 100 unreserved), provisioned
 * concurrency per alias or version (IN_PROGRESS until allocated, then READY; it counts against the
 * function's reservation, or the unreserved pool, and may not leave less than 100 unreserved
 * either), and asynchronous invocation configuration
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html).
 */
export class ConcurrencySettings {
  accountLimit = 1_000;
  /** When set, allocations end FAILED with this reason instead of READY (a function whose init fails, say). */
  provisioningFailure: string | undefined;
  private readonly reserved = new Map<string, number>();
  private readonly provisioned = new Map<string, ProvisionedConfig>();
  private readonly asyncConfigs = new Map<string, AsyncConfig>();

  constructor(private readonly clock: VirtualClock) {}

  reservedOf(functionName: string): number | undefined {
    return this.reserved.get(functionName);
  }

  /** Concurrency no function has reserved, provisioned concurrency of unreserved functions taken out. */
  unreserved(): number {
    const reservedTotal = [...this.reserved.values()].reduce((a, b) => a + b, 0);
    const provisionedUnreserved = [...this.provisioned.values()]
      .filter((p) => !this.reserved.has(p.functionName))
      .reduce((sum, p) => sum + p.requested, 0);
    return this.accountLimit - reservedTotal - provisionedUnreserved;
  }

  getAccountSettings(): Omit<GetAccountSettingsCommandOutput, '$metadata'> {
    return {
      AccountLimit: {
        ConcurrentExecutions: this.accountLimit,
        UnreservedConcurrentExecutions: this.unreserved(),
        TotalCodeSize: 80_530_636_800,
        CodeSizeUnzipped: 262_144_000,
        CodeSizeZipped: 52_428_800,
      },
      AccountUsage: { TotalCodeSize: 0, FunctionCount: 0 },
    };
  }

  putReserved(functionName: string, value: number): number {
    if (!Number.isInteger(value) || value < 0) {
      throw invalid('ReservedConcurrentExecutions must be a whole number of 0 or more');
    }
    const previous = this.reserved.get(functionName);
    const provisionedHere = this.provisionedOf(functionName);
    if (value < provisionedHere) {
      throw invalid(
        `Specified ReservedConcurrentExecutions for function is less than the function's provisioned concurrency (${provisionedHere}).`,
      );
    }
    // Provisioned concurrency of an unreserved function moves into its new reservation.
    const after = this.unreserved() + (previous ?? provisionedHere) - value;
    if (after < minimumUnreserved) {
      throw invalid(
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimumUnreserved}].`,
      );
    }
    this.reserved.set(functionName, value);
    return value;
  }

  deleteReserved(functionName: string): void {
    this.reserved.delete(functionName);
  }

  /** Provisioned concurrency of a function, over all its aliases and versions. */
  provisionedOf(functionName: string): number {
    return [...this.provisioned.values()]
      .filter((p) => p.functionName === functionName)
      .reduce((sum, p) => sum + p.requested, 0);
  }

  putProvisioned(functionName: string, qualifier: string, requested: number): ProvisionedConfig {
    if (!Number.isInteger(requested) || requested < 1) {
      throw invalid('ProvisionedConcurrentExecutions must be a whole number of 1 or more');
    }
    const key = `${functionName}:${qualifier}`;
    const previous = this.provisioned.get(key)?.requested ?? 0;
    const reservation = this.reserved.get(functionName);
    if (reservation !== undefined) {
      if (this.provisionedOf(functionName) - previous + requested > reservation) {
        throw invalid(
          `Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function (${reservation}).`,
        );
      }
    } else if (this.unreserved() + previous - requested < minimumUnreserved) {
      throw invalid(
        `Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimumUnreserved}].`,
      );
    }
    const now = this.clock.now().getTime();
    const config: ProvisionedConfig = {
      functionName,
      qualifier,
      requested,
      requestedAt: now,
      lastModified: now,
      status: 'IN_PROGRESS',
    };
    this.provisioned.set(key, config);
    return config;
  }

  /** Provisioned concurrency configs as the API reports them, allocation progressing with virtual time. */
  provisionedConfig(functionName: string, qualifier: string): ProvisionedConfig {
    const config = this.provisioned.get(`${functionName}:${qualifier}`);
    if (!config) throw noConfig(functionName, qualifier);
    return this.progressed(config);
  }

  listProvisioned(functionName: string): ProvisionedConcurrencyConfigListItem[] {
    return [...this.provisioned.values()]
      .filter((p) => p.functionName === functionName)
      .map((p) => this.describeProvisioned(this.progressed(p)));
  }

  deleteProvisioned(functionName: string, qualifier: string): void {
    if (!this.provisioned.delete(`${functionName}:${qualifier}`)) {
      throw noConfig(functionName, qualifier);
    }
  }

  /** Environments kept ready for an alias or version right now (0 while still allocating). */
  readyProvisioned(functionName: string, qualifier: string): number {
    const config = this.provisioned.get(`${functionName}:${qualifier}`);
    return config && this.progressed(config).status === 'READY' ? config.requested : 0;
  }

  describeProvisioned(config: ProvisionedConfig): ProvisionedConcurrencyConfigListItem {
    const allocated = config.status === 'READY' ? config.requested : 0;
    return {
      FunctionArn: `${config.functionName}:${config.qualifier}`,
      RequestedProvisionedConcurrentExecutions: config.requested,
      AllocatedProvisionedConcurrentExecutions: allocated,
      AvailableProvisionedConcurrentExecutions: allocated,
      Status: config.status,
      ...(config.statusReason ? { StatusReason: config.statusReason } : {}),
      LastModified: new Date(config.lastModified).toISOString(),
    };
  }

  putAsyncConfig(functionName: string, input: PutFunctionEventInvokeConfigCommandInput): AsyncConfig {
    const config: AsyncConfig = {
      maximumEventAgeInSeconds: input.MaximumEventAgeInSeconds ?? 21_600,
      maximumRetryAttempts: input.MaximumRetryAttempts ?? 2,
      ...(input.DestinationConfig?.OnFailure?.Destination
        ? { onFailure: input.DestinationConfig.OnFailure.Destination }
        : {}),
    };
    this.asyncConfigs.set(functionName, config);
    return config;
  }

  asyncConfigOf(functionName: string): AsyncConfig | undefined {
    return this.asyncConfigs.get(functionName);
  }

  private progressed(config: ProvisionedConfig): ProvisionedConfig {
    if (
      config.status === 'IN_PROGRESS' &&
      this.clock.now().getTime() >= config.requestedAt + provisioningSeconds * 1000
    ) {
      config.status = this.provisioningFailure ? 'FAILED' : 'READY';
      if (this.provisioningFailure) config.statusReason = this.provisioningFailure;
    }
    return config;
  }
}
