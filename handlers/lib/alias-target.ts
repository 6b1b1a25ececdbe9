import {
  GetResourcesCommand,
  type GetResourcesCommandOutput,
  GetRestApisCommand,
  type GetRestApisCommandOutput,
} from '@aws-sdk/client-api-gateway';
import { type AlarmStateChangeEvent, alarmMetricStats } from './alarm-event.js';
import type { AwsClients } from './aws-clients.js';
import { TargetNotResolvedError } from './errors.js';

/** A Lambda alias a runbook acts on, and how the alarm led to it. */
export interface AliasTarget {
  readonly functionName: string;
  readonly alias: string;
  readonly via: 'lambda-alias' | 'api-gateway';
  readonly apiName?: string;
}

const functionArnPattern =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;
const integrationUriPattern = /\/functions\/(arn:aws[a-z-]*:lambda:[^/]+)\/invocations$/;

/** Splits `name:qualifier` (the Lambda `Resource` dimension) or a function ARN into its parts. */
export function parseFunctionReference(reference: string): { functionName: string; qualifier?: string } {
  const arn = functionArnPattern.exec(reference);
  if (arn?.[1]) return arn[2] ? { functionName: arn[1], qualifier: arn[2] } : { functionName: arn[1] };
  const [functionName, qualifier, ...rest] = reference.split(':');
  if (!functionName || rest.length > 0)
    throw new TargetNotResolvedError(`not a function reference: ${reference}`);
  return qualifier ? { functionName, qualifier } : { functionName };
}

/**
 * Finds the Lambda alias an alarm is about: directly from a Lambda metric's `Resource` dimension
 * (`function:alias`), or from a REST API's `ApiName` dimension by reading which alias its Lambda
 * integrations invoke. Anything ambiguous is refused rather than guessed.
 */
export async function resolveAliasTarget(
  event: AlarmStateChangeEvent,
  clients: Pick<AwsClients, 'apiGateway'>,
): Promise<AliasTarget> {
  const stats = alarmMetricStats(event);
  for (const { metric } of stats) {
    const resource = metric.dimensions.Resource;
    if (metric.namespace === 'AWS/Lambda' && resource) {
      const { functionName, qualifier } = parseFunctionReference(resource);
      if (qualifier && !/^\d+$/.test(qualifier) && qualifier !== '$LATEST') {
        return { functionName, alias: qualifier, via: 'lambda-alias' };
      }
    }
  }
  for (const { metric } of stats) {
    const apiName = metric.dimensions.ApiName;
    if (metric.namespace === 'AWS/ApiGateway' && apiName) {
      return { ...(await aliasBehindApi(apiName, clients)), via: 'api-gateway', apiName };
    }
  }
  throw new TargetNotResolvedError(
    `alarm ${event.detail.alarmName} has no AWS/Lambda metric with a Resource=function:alias dimension ` +
      'and no AWS/ApiGateway metric with an ApiName dimension',
  );
}

/** The one Lambda alias a REST API's integrations invoke; anything ambiguous is refused. */
export async function aliasBehindApi(
  apiName: string,
  clients: Pick<AwsClients, 'apiGateway'>,
): Promise<{ functionName: string; alias: string }> {
  const apiIds: string[] = [];
  let position: string | undefined;
  do {
    const page: GetRestApisCommandOutput = await clients.apiGateway.send(
      new GetRestApisCommand({ limit: 500, position }),
    );
    for (const api of page.items ?? []) if (api.name === apiName && api.id) apiIds.push(api.id);
    position = page.position;
  } while (position);
  if (apiIds.length !== 1) {
    throw new TargetNotResolvedError(`expected one REST API named ${apiName}, found ${apiIds.length}`);
  }
  const aliases = new Set<string>();
  position = undefined;
  do {
    const page: GetResourcesCommandOutput = await clients.apiGateway.send(
      new GetResourcesCommand({ restApiId: apiIds[0], embed: ['methods'], limit: 500, position }),
    );
    for (const resource of page.items ?? []) {
      for (const method of Object.values(resource.resourceMethods ?? {})) {
        const functionArn = integrationUriPattern.exec(method.methodIntegration?.uri ?? '')?.[1];
        if (functionArn) aliases.add(functionArn);
      }
    }
    position = page.position;
  } while (position);
  if (aliases.size !== 1) {
    throw new TargetNotResolvedError(
      `API ${apiName} integrates ${aliases.size} Lambda functions (${[...aliases].join(', ') || 'none'}); expected one`,
    );
  }
  const { functionName, qualifier } = parseFunctionReference([...aliases][0] as string);
  if (!qualifier || /^\d+$/.test(qualifier)) {
    throw new TargetNotResolvedError(
      `API ${apiName} invokes ${functionName} without an alias; nothing to roll back`,
    );
  }
  return { functionName, alias: qualifier };
}
