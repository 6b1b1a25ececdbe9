import { App } from 'aws-cdk-lib';
import { createApp, definitions, loadDefinitions } from 'lambda-runbooks';
import { ownRunbooks } from './runbooks/index.js';

/**
 * The platform with this team's runbooks beside the built-in ones. Configured as the package's own
 * CDK app is (`runbooks:*` context settings in cdk.json or `-c`); `cdk deploy` deploys it.
 */
const runbooks = [...definitions, ...(await loadDefinitions(ownRunbooks))];
createApp(new App(), { runbooks }).app.synth();
