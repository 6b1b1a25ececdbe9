import { createHash } from 'node:crypto';
import type { AccountIdentity } from '../account/account-identity.js';

/** A resource of a synthesized CloudFormation template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

/** A synthesized CloudFormation template (the parts the simulated account deploys). */
export interface Template {
  readonly Resources: Readonly<Record<string, TemplateResource>>;
  readonly Parameters?: Readonly<Record<string, { readonly Default?: unknown }>>;
}

/** Physical identity of one deployed resource: what `Ref` and `Fn::GetAtt` answer. */
interface Physical {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

const shortHash = (text: string, length: number) =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * Resolves a template's intrinsic functions to the values a deployment into one account would
 * have: pseudo parameters, `Ref` and `Fn::GetAtt` of the template's own resources (explicit names
 * kept, the others named as CloudFormation does, `<stack>-<logical id>`), `Fn::Join`, `Fn::Sub`,
 * `Fn::Select` and `Fn::Split`.
 */
export class TemplateResolver {
  private readonly physical = new Map<string, Physical>();

  constructor(
    private readonly template: Template,
    private readonly stackName: string,
    private readonly identity: AccountIdentity,
  ) {}

  /** A resource's `Ref`. */
  ref(logicalId: string): string {
    return this.physicalOf(logicalId).ref;
  }

  /** A resource's attribute (`Fn::GetAtt`). */
  attribute(logicalId: string, name: string): string {
    const value = this.physicalOf(logicalId).attributes[name];
    if (value === undefined) throw new Error(`the simulated deployment has no ${name} for ${logicalId}`);
    return value;
  }

  /** Any template value with every intrinsic resolved (AWS::NoValue leaves the key out). */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)).filter((v) => v !== undefined);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [only] = entries;
    if (entries.length === 1 && only) {
      const [fn, args] = only;
      switch (fn) {
        case 'Ref':
          return this.pseudo(String(args)) ?? this.parameter(String(args)) ?? this.ref(String(args));
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(args) ? args.map(String) : String(args).split('.');
          return this.attribute(id ?? '', attribute ?? '');
        }
        case 'Fn::Join': {
          const [separator, parts] = args as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).map(String).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = args as [number, unknown];
          return (this.resolve(list) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [separator, text] = args as [string, unknown];
          return String(this.resolve(text)).split(separator);
        }
        case 'Fn::Sub':
          return this.substitute(args);
        default:
          break;
      }
    }
    return Object.fromEntries(
      entries.map(([k, v]) => [k, this.resolve(v)] as const).filter(([, v]) => v !== undefined),
    );
  }

  private substitute(args: unknown): string {
    const [text, variables] = Array.isArray(args)
      ? (args as [string, Record<string, unknown>])
      : [String(args), {}];
    return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
      if (name in variables) return String(this.resolve(variables[name]));
      const [id, attribute] = name.split('.');
      if (attribute) return this.attribute(id ?? '', attribute);
      return this.pseudo(name) ?? this.ref(name);
    });
  }

  /** A template parameter (an SSM parameter's name, say) as deployed with its default. */
  private parameter(name: string): string | undefined {
    const parameter = this.template.Parameters?.[name];
    return parameter ? String(parameter.Default ?? `<parameter ${name}>`) : undefined;
  }

  private pseudo(name: string): string | undefined {
    const { accountId, region } = this.identity;
    const values: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': region,
      'AWS::AccountId': accountId,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.stackName,
    };
    if (name === 'AWS::NoValue') return undefined;
    return values[name];
  }

  private physicalOf(logicalId: string): Physical {
    let found = this.physical.get(logicalId);
    if (!found) {
      const resource = this.template.Resources[logicalId];
      if (!resource) throw new Error(`the template has no resource ${logicalId}`);
      found = this.name(logicalId, resource);
      this.physical.set(logicalId, found);
    }
    return found;
  }

  private name(logicalId: string, resource: TemplateResource): Physical {
    const { accountId, region } = this.identity;
    const props = resource.Properties ?? {};
    const given = (key: string) => (props[key] === undefined ? undefined : String(this.resolve(props[key])));
    const generated = `${this.stackName}-${logicalId}`.slice(0, 64);
    const arn = (service: string, resource: string) =>
      `arn:aws:${service}:${region}:${accountId}:${resource}`;
    switch (resource.Type) {
      case 'AWS::Lambda::Function': {
        const name = given('FunctionName') ?? generated;
        return { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } };
      }
      case 'AWS::IAM::Role': {
        const name = given('RoleName') ?? generated;
        // A role's ARN carries its path: `role/<path>/<name>`.
        const path = given('Path') ?? '/';
        return {
          ref: name,
          attributes: {
            Arn: `arn:aws:iam::${accountId}:role${path}${name}`,
            RoleId: `AROA${shortHash(name, 16)}`,
          },
        };
      }
      case 'AWS::DynamoDB::Table': {
        const name = given('TableName') ?? generated;
        return { ref: name, attributes: { Arn: arn('dynamodb', `table/${name}`) } };
      }
      case 'AWS::SNS::Topic': {
        const name = given('TopicName') ?? generated;
        const topicArn = arn('sns', name);
        return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
      }
      case 'AWS::SQS::Queue': {
        const name = given('QueueName') ?? generated;
        return {
          ref: `https://sqs.${region}.amazonaws.com/${accountId}/${name}`,
          attributes: {
            Arn: arn('sqs', name),
            QueueName: name,
            QueueUrl: `https://sqs.${region}.amazonaws.com/${accountId}/${name}`,
          },
        };
      }
      case 'AWS::KMS::Key': {
        const id = [8, 4, 4, 4, 12].map((n, i) => shortHash(`${logicalId}${i}`, n)).join('-');
        return { ref: id, attributes: { Arn: arn('kms', `key/${id}`), KeyId: id } };
      }
      case 'AWS::SecretsManager::Secret': {
        const name = given('Name') ?? generated;
        const secretArn = arn('secretsmanager', `secret:${name}-${shortHash(name, 6)}`);
        return { ref: secretArn, attributes: { Id: secretArn } };
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = given('StateMachineName') ?? generated;
        const machineArn = arn('states', `stateMachine:${name}`);
        return { ref: machineArn, attributes: { Arn: machineArn, Name: name } };
      }
      case 'AWS::Events::Rule': {
        const name = given('Name') ?? generated;
        // A rule of a custom bus: `rule/<bus>/<name>`.
        const bus = given('EventBusName');
        const path = bus && bus !== 'default' ? `rule/${bus.split('/').pop()}/${name}` : `rule/${name}`;
        return { ref: name, attributes: { Arn: arn('events', path) } };
      }
      case 'AWS::Events::EventBus': {
        const name = given('Name') ?? generated;
        return { ref: name, attributes: { Arn: arn('events', `event-bus/${name}`), Name: name } };
      }
      case 'AWS::Logs::LogGroup': {
        const name = given('LogGroupName') ?? generated;
        return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
      }
      case 'AWS::CloudWatch::Alarm': {
        const name = given('AlarmName') ?? generated;
        return { ref: name, attributes: { Arn: arn('cloudwatch', `alarm:${name}`) } };
      }
      case 'AWS::S3::Bucket': {
        const name = given('BucketName') ?? generated.toLowerCase();
        return { ref: name, attributes: { Arn: `arn:aws:s3:::${name}` } };
      }
      case 'AWS::Lambda::Url':
        return {
          ref: generated,
          attributes: { FunctionUrl: `https://${shortHash(logicalId, 32)}.lambda-url.${region}.on.aws/` },
        };
      default:
        return { ref: generated, attributes: { Arn: generated } };
    }
  }
}
