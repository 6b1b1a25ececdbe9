import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DeploymentSettings, projectRoot } from './platform-deployment.js';

/** A way the platform is deployed, named: the settings every game day then runs under. */
export interface PlatformConfiguration {
  readonly name: PlatformConfigurationName;
  readonly description: string;
  readonly settings: DeploymentSettings;
}

export const platformConfigurationNames = ['default', 'scoped-prod'] as const;
export type PlatformConfigurationName = (typeof platformConfigurationNames)[number];

/** The CDK app's defaults (cdk.json): runbooks may act on every function and queue of the account. */
export const defaultConfiguration: PlatformConfiguration = {
  name: 'default',
  description: "the CDK app's defaults: every function and queue of the account in scope",
  settings: {},
};

let scoped: PlatformConfiguration | undefined;

/**
 * README's recommended production configuration (`examples/scoped-prod.context.json`): the
 * functions and DLQs runbooks may act on named, here the game days' workload.
 */
export function scopedConfiguration(): PlatformConfiguration {
  scoped ??= {
    name: 'scoped-prod',
    description: 'the recommended production configuration: named functions and dead-letter queues only',
    settings: JSON.parse(
      readFileSync(join(projectRoot(), 'examples', 'scoped-prod.context.json'), 'utf8'),
    ) as DeploymentSettings,
  };
  return scoped;
}

/** A configuration by name. */
export function platformConfiguration(name: PlatformConfigurationName): PlatformConfiguration {
  return name === 'default' ? defaultConfiguration : scopedConfiguration();
}
