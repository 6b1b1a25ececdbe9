import type { AccountIdentity } from '../account-identity.js';
import { stableUuid } from '../alarm-state-change.js';
import type { BusEvent, EventBus } from '../event-bus.js';
import type { AccountIam } from '../iam/account-iam.js';
import type { FunctionCode } from '../lambda/function-code.js';
import type { VirtualClock } from '../virtual-clock.js';
import type { StoredSecret } from './secret-store.js';

const steps = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

/**
 * How often and how far apart Secrets Manager retries a failed rotation. AWS documents that it
 * retries the whole rotation but not how often; three attempts a minute apart is our assumption.
 */
export const rotationAttempts = 3;
const retrySeconds = 60;

interface RotationJob {
  readonly secret: StoredSecret;
  readonly token: string;
  /** RotateImmediately=false runs only testSecret. */
  readonly immediately: boolean;
  attempt: number;
  dueAt: number;
}

/**
 * Rotations in progress: each invokes the secret's rotation function once per step, in order, as
 * Secrets Manager does (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html),
 * retries the whole rotation when a step fails, and reports RotationStarted, RotationSucceeded and
 * RotationFailed to EventBridge as CloudTrail service events.
 */
export class RotationJobs {
  private readonly jobs: RotationJob[] = [];
  private events = 0;

  constructor(
    private readonly identity: AccountIdentity,
    private readonly clock: VirtualClock,
    private readonly bus: EventBus,
    private readonly code: FunctionCode,
    private readonly iam: AccountIam,
  ) {}

  start(secret: StoredSecret, token: string, immediately: boolean): void {
    this.jobs.push({ secret, token, immediately, attempt: 1, dueAt: this.clock.now().getTime() });
    this.emit(secret, 'RotationStarted');
  }

  cancel(secret: StoredSecret): void {
    for (let i = this.jobs.length - 1; i >= 0; i -= 1)
      if (this.jobs[i]?.secret === secret) this.jobs.splice(i, 1);
  }

  /** Runs every rotation attempt that is due; the rotation function calls back into the account. */
  async runDue(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const job of this.jobs.filter((j) => j.dueAt <= now)) {
      const failure = await this.attempt(job);
      // A rotation cancelled while its attempt ran is not finished here.
      if (!this.jobs.includes(job)) continue;
      if (failure === undefined) {
        this.remove(job);
        job.secret.rotation.lastRotatedAt = this.clock.now();
        this.emit(job.secret, 'RotationSucceeded');
      } else if (job.attempt >= rotationAttempts) {
        this.remove(job);
        this.emit(job.secret, 'RotationFailed', failure);
      } else {
        job.attempt += 1;
        job.dueAt = this.clock.now().getTime() + retrySeconds * 1000;
      }
    }
  }

  /**
   * One attempt at every step; the error message CloudTrail records when a step fails. Secrets
   * Manager invokes the function as its service principal, for the secret: the function's policy
   * must allow that (and may require the secret's account and ARN).
   */
  private async attempt(job: RotationJob): Promise<string | undefined> {
    const lambdaArn = job.secret.rotation.lambdaArn ?? '';
    const denial = await this.iam.authorizeService(
      {
        service: 'secretsmanager.amazonaws.com',
        sourceArn: job.secret.arn,
        sourceAccount: this.identity.accountId,
      },
      { action: 'lambda:InvokeFunction', resource: lambdaArn },
    );
    if (denial) {
      return 'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.';
    }
    for (const step of job.immediately ? steps : (['testSecret'] as const)) {
      const outcome = await this.code.invoke(lambdaArn, undefined, {
        Step: step,
        SecretId: job.secret.arn,
        ClientRequestToken: job.token,
      });
      if (!outcome.ok) return `Error when executing lambda ${lambdaArn} during ${step} step`;
    }
    return undefined;
  }

  private remove(job: RotationJob): void {
    this.jobs.splice(this.jobs.indexOf(job), 1);
  }

  /** A Secrets Manager service event in CloudTrail's shape, as EventBridge delivers it. */
  emit(secret: StoredSecret, eventName: string, errorMessage?: string): void {
    this.events += 1;
    const at = this.clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const event: BusEvent = {
      version: '0',
      id: stableUuid(`${secret.arn}|${eventName}|${this.events}`),
      'detail-type': 'AWS Service Event via CloudTrail',
      source: 'aws.secretsmanager',
      account: this.identity.accountId,
      time: at,
      region: this.identity.region,
      resources: [],
      detail: {
        eventVersion: '1.08',
        userIdentity: { accountId: this.identity.accountId, invokedBy: 'secretsmanager.amazonaws.com' },
        eventTime: at,
        eventSource: 'secretsmanager.amazonaws.com',
        eventName,
        awsRegion: this.identity.region,
        sourceIPAddress: 'secretsmanager.amazonaws.com',
        userAgent: 'secretsmanager.amazonaws.com',
        ...(errorMessage ? { errorMessage } : {}),
        requestParameters: null,
        responseElements: null,
        additionalEventData: { SecretId: secret.arn },
        eventID: stableUuid(`${secret.arn}|${eventName}|${this.events}|id`),
        readOnly: false,
        eventType: 'AwsServiceEvent',
        managementEvent: true,
        recipientAccountId: this.identity.accountId,
        eventCategory: 'Management',
      },
    };
    this.bus.put(event);
  }
}
