import {
  type GetResourcesCommandInput,
  type GetResourcesCommandOutput,
  type GetRestApisCommandInput,
  type GetRestApisCommandOutput,
  NotFoundException,
} from '@aws-sdk/client-api-gateway';
import type { AccountIdentity } from './account-identity.js';
import { stableUuid } from './alarm-state-change.js';
import type { MetricStore } from './metric-store.js';
import type { VirtualClock } from './virtual-clock.js';

interface SimulatedRestApi {
  readonly id: string;
  readonly name: string;
  readonly stage: string;
  readonly functionName: string;
  readonly alias: string;
  readonly createdDate: Date;
}

/**
 * REST APIs with one Lambda proxy integration on an alias. Requests invoke the alias; a failed
 * invocation is a 5XX. Publishes AWS/ApiGateway Count, 5XXError and 4XXError (0 or 1 per request, so
 * their Average is a rate) per API and per API and stage
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html).
 */
export class SimulatedApiGateway {
  private readonly apis: SimulatedRestApi[] = [];

  constructor(
    private readonly identity: AccountIdentity,
    private readonly metrics: MetricStore,
    private readonly clock: VirtualClock,
  ) {}

  createRestApi(name: string, stage: string, functionName: string, alias: string): string {
    const id = stableUuid(`restapi|${name}|${this.apis.length}`).replace(/-/g, '').slice(0, 10);
    this.apis.push({ id, name, stage, functionName, alias, createdDate: this.clock.now() });
    return id;
  }

  getRestApis(input: GetRestApisCommandInput): Omit<GetRestApisCommandOutput, '$metadata'> {
    const start = Number(input.position ?? 0);
    const size = input.limit ?? 25;
    const page = this.apis.slice(start, start + size);
    return {
      items: page.map((api) => ({ id: api.id, name: api.name, createdDate: api.createdDate })),
      ...(start + size < this.apis.length ? { position: String(start + size) } : {}),
    };
  }

  getResources(input: GetResourcesCommandInput): Omit<GetResourcesCommandOutput, '$metadata'> {
    const api = this.apis.find((a) => a.id === input.restApiId);
    if (!api) throw new NotFoundException({ message: 'Invalid API identifier specified', $metadata: {} });
    const functionArn = `arn:aws:lambda:${this.identity.region}:${this.identity.accountId}:function:${api.functionName}:${api.alias}`;
    const withIntegration = input.embed?.includes('methods') ?? false;
    return {
      items: [
        { id: `${api.id.slice(0, 6)}r0`, path: '/' },
        {
          id: `${api.id.slice(0, 6)}r1`,
          parentId: `${api.id.slice(0, 6)}r0`,
          path: '/{proxy+}',
          pathPart: '{proxy+}',
          resourceMethods: {
            ANY: withIntegration
              ? {
                  httpMethod: 'ANY',
                  authorizationType: 'NONE',
                  methodIntegration: {
                    type: 'AWS_PROXY',
                    httpMethod: 'POST',
                    uri: `arn:aws:apigateway:${this.identity.region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
                  },
                }
              : {},
          },
        },
      ],
    };
  }

  /** The function alias behind an API's Lambda integration. */
  target(apiName: string): { functionName: string; alias: string } {
    const api = this.apis.find((a) => a.name === apiName);
    if (!api) throw new Error(`no REST API named ${apiName}`);
    return { functionName: api.functionName, alias: api.alias };
  }

  /** Publishes the API's metrics for `count` requests in the minute at `at`, `failed` of them answered 5XX. */
  record(apiName: string, count: number, failed: number, at: Date): void {
    const api = this.apis.find((a) => a.name === apiName);
    if (!api) throw new Error(`no REST API named ${apiName}`);
    const dimensionSets: Record<string, string>[] = [
      { ApiName: api.name },
      { ApiName: api.name, Stage: api.stage },
    ];
    for (const dimensions of dimensionSets) {
      const rate = (n: number) => ({ sum: n, count, min: n === count ? 1 : 0, max: n > 0 ? 1 : 0 });
      this.metrics.record({ namespace: 'AWS/ApiGateway', name: 'Count', dimensions }, at, {
        sum: count,
        count,
        min: 1,
        max: 1,
      });
      this.metrics.record({ namespace: 'AWS/ApiGateway', name: '5XXError', dimensions }, at, rate(failed));
      this.metrics.record({ namespace: 'AWS/ApiGateway', name: '4XXError', dimensions }, at, rate(0));
    }
  }
}
