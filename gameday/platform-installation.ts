import { type DispatcherConfig, dispatcherConfigSchema } from '../handlers/dispatcher/dispatcher-config.js';
import type { AwsClients } from '../handlers/lib/aws-clients.js';
import { rotateSecret } from '../handlers/secret-rotation/rotate-secret.js';
import type { Caller } from './account/iam/account-iam.js';
import type { SimulatedAccount } from './account/simulated-account.js';
import type { DeployedFunction, DeployedPlatform } from './iam/deployed-platform.js';

/** The timeout of the platform's step functions in AWS (PlatformFunction's default). */
export const stepTimeoutMs = 30_000;

/**
 * The platform as the CDK app deploys it, installed into a simulated account: its tables, topics,
 * queues, keys and resource policies created, its state machines registered, its rotation function
 * deployed with its code, and every function's identity (its role's policies) ready to make calls.
 * Names and ARNs are the deployment's; the platform's functions read them from their environment,
 * as they do in Lambda.
 */
export class InstalledPlatform {
  readonly topics: { readonly escalation: string; readonly approvals: string };
  readonly leaseTable: string;
  readonly idempotencyTable: string;
  readonly approvalTable: string;
  /** Where steps that record changes keep them, by execution. */
  readonly auditTable: string;
  readonly dispatcherConfig: DispatcherConfig;
  private readonly clientsByFunction = new Map<string, AwsClients>();

  constructor(
    private readonly account: SimulatedAccount,
    readonly deployment: DeployedPlatform,
  ) {
    const { iam } = account;
    for (const [keyArn, policy] of deployment.keys) iam.addKey(keyArn, policy);
    for (const [arn, policy] of deployment.resourcePolicies) iam.setResourcePolicy(arn, policy);
    for (const table of deployment.tables)
      account.dynamodb.createTable(table.name, [
        table.partitionKey,
        ...(table.sortKey ? [table.sortKey] : []),
      ]);
    for (const topic of deployment.topics) account.sns.createTopic(topic.name);
    for (const queue of deployment.queues) account.sqs.createQueue({ QueueName: queue.name });
    for (const resource of [
      ...deployment.tables,
      ...deployment.topics,
      ...deployment.queues,
      ...deployment.secrets,
    ]) {
      if (resource.keyArn) iam.encryptWith(resource.arn, resource.keyArn);
    }
    for (const name of deployment.stateMachines.keys()) account.stepFunctions.createStateMachine(name);
    for (const bucket of deployment.buckets) account.s3.createBucket(bucket.name, bucket.objectLock);
    for (const keyArn of deployment.signingKeys) account.kms.createSigningKey(keyArn);

    const env = deployment.platformFunction('escalate').environment;
    const required = (name: string) => {
      const value = env[name];
      if (!value) throw new Error(`the deployed steps have no ${name}`);
      return value;
    };
    this.topics = { escalation: required('ESCALATION_TOPIC_ARN'), approvals: required('APPROVAL_TOPIC_ARN') };
    this.leaseTable = required('LEASE_TABLE_NAME');
    this.idempotencyTable = required('IDEMPOTENCY_TABLE_NAME');
    this.approvalTable = required('APPROVAL_TABLE_NAME');
    this.auditTable = required('AUDIT_TABLE_NAME');
    this.dispatcherConfig = dispatcherConfigSchema.parse(
      JSON.parse(deployment.platformFunction('dispatcher').environment.DISPATCHER_CONFIG ?? ''),
    );
    this.installRotationFunction();
  }

  /**
   * The platform's own alarms (errors of every function, failed executions, undelivered events),
   * with their actions: CloudWatch notifies the PlatformAlarms topic as the service.
   */
  installAlarms(): void {
    for (const alarm of this.deployment.alarms) {
      this.account.cloudwatch.putMetricAlarm({ AlarmName: alarm.name, ...alarm.props } as never);
    }
  }

  /** The identity a platform function's code runs as: its role's session and policies. */
  callerOf(name: string): Caller {
    return this.callerOfFunction(this.deployment.platformFunction(name));
  }

  /** SDK clients that act as a platform function's role, built once per function. */
  clientsOf(name: string): AwsClients {
    let clients = this.clientsByFunction.get(name);
    if (!clients) {
      clients = this.account.clients(this.callerOf(name));
      this.clientsByFunction.set(name, clients);
    }
    return clients;
  }

  /** The deployed function of a platform function's name. */
  functionOf(name: string): DeployedFunction {
    return this.deployment.platformFunction(name);
  }

  /** The identity a state machine's executions run as (its role invokes the steps). */
  stateMachineCaller(stateMachineName: string): Caller {
    const machine = this.deployment.stateMachines.get(stateMachineName);
    if (!machine) throw new Error(`the deployment has no state machine ${stateMachineName}`);
    return {
      principal: `arn:aws:sts::${this.deployment.identity.accountId}:assumed-role/${machine.roleName}/execution`,
      policies: machine.policies,
    };
  }

  private callerOfFunction(fn: DeployedFunction): Caller {
    const role = this.deployment.roleDetails.get(fn.roleName);
    return {
      principal: this.deployment.principalOf(fn),
      policies: fn.policies,
      ...(role ? { roleArn: role.arn } : {}),
    };
  }

  /** With secrets to rotate, the rotation function Secrets Manager invokes: the platform's own code, as its role. */
  private installRotationFunction(): void {
    const fn = [...this.deployment.functions.values()].find(
      (f) => f.name === `${this.deployment.stackName}-rotate-secret`,
    );
    if (!fn) return;
    const { lambda } = this.account;
    lambda.createFunction(fn.name);
    const clients = this.clientsOf('rotate-secret');
    const rotate = (event: unknown) =>
      rotateSecret(event, {
        clients,
        credentialAdapter: fn.environment.CREDENTIAL_ADAPTER_FUNCTION ?? '',
        password: { length: 32, excludeCharacters: '/@"\'\\' },
        idempotencyTable: fn.environment.IDEMPOTENCY_TABLE_NAME ?? '',
        remainingTimeMs: () => stepTimeoutMs,
      });
    // Under a fault schedule it can be cut off on its own, as any invocation.
    lambda.code.deploy(fn.name, (event) => {
      const faults = this.account.faults;
      return faults
        ? faults.invocation(
            () => rotate(event),
            async () => undefined,
          )
        : rotate(event);
    });
  }
}
