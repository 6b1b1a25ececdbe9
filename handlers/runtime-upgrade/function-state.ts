import { type CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import {
  type AliasConfiguration,
  GetAliasCommand,
  type LambdaClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import type { AliasState } from './contract.js';

/** An alias's routing as a rollback must restore it, or null when the function has no such alias. */
export async function aliasState(
  lambda: LambdaClient,
  functionName: string,
  name: string,
): Promise<AliasState | null> {
  try {
    return stateOf(await lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: name })));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return null;
    throw error;
  }
}

export function stateOf(alias: AliasConfiguration): AliasState {
  return {
    name: alias.Name ?? '',
    functionVersion: alias.FunctionVersion ?? '',
    weights: { ...(alias.RoutingConfig?.AdditionalVersionWeights ?? {}) },
    revisionId: alias.RevisionId ?? '',
  };
}

const watches = (alarm: MetricAlarm, functionName: string) =>
  [
    ...(alarm.Dimensions ?? []),
    ...(alarm.Metrics ?? []).flatMap((m) => m.MetricStat?.Metric?.Dimensions ?? []),
  ].some((d) => d.Name === 'FunctionName' && d.Value === functionName);

/** The metric alarms on a function (a `FunctionName` dimension), every page. */
export async function alarmsOf(cloudwatch: CloudWatchClient, functionName: string): Promise<MetricAlarm[]> {
  const found: MetricAlarm[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmTypes: ['MetricAlarm'], ...(NextToken ? { NextToken } : {}) }),
    );
    found.push(...(page.MetricAlarms ?? []).filter((a) => watches(a, functionName)));
    NextToken = page.NextToken;
  } while (NextToken);
  return found;
}
