import { APIGatewayServiceException } from '@aws-sdk/client-api-gateway';
import { CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { LambdaServiceException } from '@aws-sdk/client-lambda';
import { SchemasServiceException } from '@aws-sdk/client-schemas';
import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { SNSServiceException } from '@aws-sdk/client-sns';
import { SQSServiceException } from '@aws-sdk/client-sqs';

type ServiceExceptionClass = new (options: {
  name: string;
  $fault: 'client';
  message: string;
  $metadata: { httpStatusCode: number };
}) => Error;

/**
 * How each service answers a call IAM denies: its exception class, the error code it sends, and
 * the HTTP status. A denial on the resource's key is answered with the service's own KMS error
 * where it has one (SQS's `KmsAccessDenied`, SNS's `KMSAccessDeniedException`).
 */
const denials: Readonly<
  Record<string, { type: ServiceExceptionClass; code: string; status: number; kmsCode?: string }>
> = {
  LambdaClient: { type: LambdaServiceException, code: 'AccessDeniedException', status: 403 },
  SQSClient: { type: SQSServiceException, code: 'AccessDenied', status: 403, kmsCode: 'KmsAccessDenied' },
  SecretsManagerClient: { type: SecretsManagerServiceException, code: 'AccessDeniedException', status: 400 },
  CloudWatchClient: { type: CloudWatchServiceException, code: 'AccessDenied', status: 403 },
  SFNClient: { type: SFNServiceException, code: 'AccessDeniedException', status: 400 },
  DynamoDBClient: { type: DynamoDBServiceException, code: 'AccessDeniedException', status: 400 },
  SNSClient: {
    type: SNSServiceException,
    code: 'AuthorizationError',
    status: 403,
    kmsCode: 'KMSAccessDeniedException',
  },
  APIGatewayClient: { type: APIGatewayServiceException, code: 'AccessDeniedException', status: 403 },
  SchemasClient: { type: SchemasServiceException, code: 'ForbiddenException', status: 403 },
};

/** What IAM decided against, in the words AWS's error messages use. */
export interface Denial {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** `explicit` when a Deny statement matched; `implicit` when nothing allowed it. */
  readonly kind: 'explicit' | 'implicit';
  /** Which policy said no (or said nothing): `identity-based`, `resource-based` or `key`. */
  readonly policy: 'identity-based' | 'resource-based' | 'key';
  /** The resource whose key was refused, for a denial on a key. */
  readonly keyOf?: string;
}

/** AWS's sentence for a denial: who, which action, on what, and why. */
export function denialMessage(denial: Denial): string {
  const because =
    denial.kind === 'explicit'
      ? `with an explicit deny in a ${denial.policy === 'key' ? 'key' : denial.policy} policy`
      : denial.policy === 'identity-based'
        ? `because no identity-based policy allows the ${denial.action} action`
        : denial.policy === 'key'
          ? 'because the key policy and no identity-based policy allow it'
          : `because no resource-based policy allows the ${denial.action} action`;
  const key = denial.keyOf ? ` (the key of ${denial.keyOf})` : '';
  return `User: ${denial.principal} is not authorized to perform: ${denial.action} on resource: ${denial.resource}${key} ${because}`;
}

/** The error the SDK client of `clientName` raises for a denied call, as the service would send it. */
export function accessDeniedError(clientName: string, denial: Denial): Error {
  const shape = denials[clientName] ?? denials.LambdaClient;
  if (!shape) throw new Error('no denial shape');
  const name = denial.keyOf && shape.kmsCode ? shape.kmsCode : shape.code;
  return new shape.type({
    name,
    $fault: 'client',
    message: denialMessage(denial),
    $metadata: { httpStatusCode: shape.status },
  });
}
