import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { evidenceManifestFunction } from '../handlers/evidence/evidence-manifest.js';
import { evidenceWriterFunction } from '../handlers/evidence/write-evidence.js';
import { metricsNamespace, serviceName } from '../handlers/lib/observability.js';
import type { EvidenceSettings } from './context-settings.js';
import { nagAcknowledgements } from './nag-acknowledgements.js';
import { PlatformFunction } from './platform-function.js';

export interface EvidenceStoreProps {
  /** Object Lock of the records. */
  readonly settings: EvidenceSettings;
  /** The platform key: the records are encrypted with it. */
  readonly key: IKey;
  /** The runbooks' state machines, whose executions leave records. */
  readonly stateMachines: readonly IStateMachine[];
  readonly auditTableName: string;
  readonly alarmTopic: ITopic;
  readonly deadLetters: IQueue;
  readonly failedInvocations: IQueue;
}

/**
 * Where every execution's evidence record is kept, write once: a versioned bucket with Object
 * Lock (COMPLIANCE and 400 days unless configured), encrypted with the platform key, TLS only,
 * deletes refused to everyone by its policy; the asymmetric key records are signed with; and the
 * writer, which every execution's end (succeeded, failed, timed out, aborted) reaches through
 * Step Functions' status-change event.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 */
export class EvidenceStore extends Construct {
  readonly bucket: Bucket;
  readonly signingKey: Key;
  readonly writer: PlatformFunction;
  readonly manifest: PlatformFunction;

  constructor(scope: Construct, id: string, props: EvidenceStoreProps) {
    super(scope, id);
    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    nagAcknowledgements.accessLogBucket(accessLogs);
    const retention = Duration.days(props.settings.retentionDays);
    this.bucket = new Bucket(this, 'Records', {
      objectLockEnabled: true,
      objectLockDefaultRetention:
        props.settings.mode === 'COMPLIANCE'
          ? ObjectLockRetention.compliance(retention)
          : ObjectLockRetention.governance(retention),
      versioned: true,
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'records/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Nobody deletes a record or weakens its lock, whatever their own policy says.
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'RecordsAreWriteOnce',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'LockStaysOn',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutBucketObjectLockConfiguration', 's3:PutBucketVersioning'],
        resources: [this.bucket.bucketArn],
      }),
    );
    this.signingKey = new Key(this, 'SigningKey', {
      description: 'Signs the evidence record of every runbook execution (verify with its public key)',
      keySpec: KeySpec.RSA_2048,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    nagAcknowledgements.signingKey(this.signingKey);
    this.writer = new PlatformFunction(this, 'Writer', {
      name: evidenceWriterFunction.name,
      entry: fileURLToPath(evidenceWriterFunction.module),
      environment: {
        AUDIT_TABLE_NAME: props.auditTableName,
        EVIDENCE_BUCKET_NAME: this.bucket.bucketName,
        EVIDENCE_SIGNING_KEY_ARN: this.signingKey.keyArn,
      },
      alarmTopic: props.alarmTopic,
      timeout: Duration.minutes(1),
      asyncFailures: { queue: props.failedInvocations, retryAttempts: 2 },
    });
    new Rule(this, 'RecordEveryEnd', {
      description: 'Writes the signed evidence record of every runbook execution that ended',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: props.stateMachines.map((m) => m.stateMachineArn),
        },
      },
      targets: [
        new LambdaFunction(this.writer.function, { deadLetterQueue: props.deadLetters, retryAttempts: 8 }),
      ],
    });

    // Completeness: every morning, the previous day's executions beside their records.
    this.manifest = new PlatformFunction(this, 'Manifest', {
      name: evidenceManifestFunction.name,
      entry: fileURLToPath(evidenceManifestFunction.module),
      environment: {
        EVIDENCE_BUCKET_NAME: this.bucket.bucketName,
        EVIDENCE_SIGNING_KEY_ARN: this.signingKey.keyArn,
        STATE_MACHINE_ARNS: Stack.of(this).toJsonString(props.stateMachines.map((m) => m.stateMachineArn)),
      },
      alarmTopic: props.alarmTopic,
      timeout: Duration.minutes(5),
      asyncFailures: { queue: props.failedInvocations, retryAttempts: 2 },
    });
    new Rule(this, 'DailyManifest', {
      description: 'Lists every runbook execution that ended yesterday beside its evidence record',
      schedule: Schedule.cron({ minute: '30', hour: '0' }),
      targets: [
        new LambdaFunction(this.manifest.function, { deadLetterQueue: props.deadLetters, retryAttempts: 8 }),
      ],
    });
    new Alarm(this, 'MissingRecords', {
      alarmDescription: 'An execution ended without a signed evidence record (see the day’s manifest)',
      metric: new Metric({
        // As Powertools publishes it: the platform's namespace, the service as dimension.
        namespace: metricsNamespace,
        metricName: 'MissingEvidenceRecords',
        dimensionsMap: { service: serviceName },
        statistic: 'Sum',
        period: Duration.days(1),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(props.alarmTopic));
  }
}
