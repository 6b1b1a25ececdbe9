import { deployPlatform } from './gameday/iam/platform-deployment.ts';

const d = await deployPlatform({}, { accountId: '123456789012', region: 'eu-west-1' });
for (const fn of d.functions.values())
  for (const p of fn.policies)
    for (const s of (Array.isArray(p.Statement) ? p.Statement : [p.Statement]) as any[])
      if (JSON.stringify(s.Action) === '"kms:Decrypt"') console.log(fn.name, JSON.stringify(s));
