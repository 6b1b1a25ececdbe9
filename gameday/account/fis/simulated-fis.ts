import {
  type CreateExperimentTemplateCommandInput,
  type Experiment,
  type ExperimentTemplate,
  type GetExperimentCommandInput,
  ResourceNotFoundException,
  type StartExperimentCommandInput,
  type StopExperimentCommandInput,
  ValidationException,
} from '@aws-sdk/client-fis';
import { stableUuid } from '../alarm-state-change.js';
import type { LambdaFault } from '../lambda/fault-injections.js';
import type { SimulatedLambda } from '../lambda/simulated-lambda.js';
import type { SimulatedOperations } from '../sdk-binding.js';
import type { SimulatedCloudWatch } from '../simulated-cloudwatch.js';
import type { VirtualClock } from '../virtual-clock.js';

const invalid = (message: string) => new ValidationException({ message, $metadata: {} });

/** ISO 8601 durations as FIS actions take them: `PT10M`, `PT1H30M`, `PT90S`. */
export function durationSeconds(text: string): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(text);
  if (!match || text === 'PT') throw invalid(`duration ${text} is not an ISO 8601 duration such as PT10M`);
  const [, h = '0', m = '0', s = '0'] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

const percentage = (value: string | undefined) => {
  const n = Number(value ?? 100);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw invalid(`invocationPercentage ${value} is not 1–100`);
  return n / 100;
};

/** The fault an `aws:lambda:*` action injects, checked as FIS checks its parameters. */
function faultOf(actionId: string, parameters: Record<string, string>): LambdaFault {
  const share = percentage(parameters.invocationPercentage);
  switch (actionId) {
    case 'aws:lambda:invocation-error':
      return { kind: 'invocation-error', share };
    case 'aws:lambda:invocation-add-delay': {
      const delayMs = Number(parameters.startupDelayMilliseconds ?? 1000);
      if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 900_000)
        throw invalid(`startupDelayMilliseconds ${parameters.startupDelayMilliseconds} is not 0–900000`);
      return { kind: 'invocation-add-delay', share, delayMs };
    }
    case 'aws:lambda:invocation-http-integration-response':
      return {
        kind: 'invocation-http-integration-response',
        share,
        statusCode: Number(parameters.statusCode ?? 500),
      };
    default:
      throw invalid(`the simulated account models aws:lambda:* actions only, not ${actionId}`);
  }
}

interface Running {
  readonly experiment: Experiment;
  readonly endsAt: number;
  readonly stopAlarms: readonly string[];
}

/**
 * AWS Fault Injection Service for Lambda: experiment templates, and experiments whose
 * `aws:lambda:*` actions inject faults into the target functions' invocations until their duration
 * ends, a stop-condition alarm goes to ALARM, or StopExperiment
 * (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#aws-lambda-actions).
 */
export class SimulatedFis {
  private readonly templates = new Map<string, ExperimentTemplate>();
  private readonly experiments = new Map<string, Running>();
  private count = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly lambda: SimulatedLambda,
    private readonly cloudwatch: SimulatedCloudWatch,
  ) {}

  createExperimentTemplate(input: CreateExperimentTemplateCommandInput) {
    for (const action of Object.values(input.actions ?? {}))
      faultOf(action.actionId ?? '', action.parameters ?? {});
    if (!input.roleArn) throw invalid('roleArn is required');
    this.count += 1;
    const id = `EXT${stableUuid(`template-${this.count}`).replace(/-/g, '').slice(0, 14).toUpperCase()}`;
    const template: ExperimentTemplate = {
      id,
      description: input.description,
      targets: input.targets as ExperimentTemplate['targets'],
      actions: input.actions as ExperimentTemplate['actions'],
      stopConditions: input.stopConditions,
      roleArn: input.roleArn,
      tags: { ...(input.tags ?? {}) },
      creationTime: this.clock.now(),
    };
    this.templates.set(id, template);
    return { experimentTemplate: template };
  }

  listExperimentTemplates() {
    return {
      experimentTemplates: [...this.templates.values()].map(({ id, description, tags, creationTime }) => ({
        id,
        description,
        tags,
        creationTime,
      })),
    };
  }

  startExperiment(input: StartExperimentCommandInput) {
    const template = this.templates.get(input.experimentTemplateId ?? '');
    if (!template)
      throw new ResourceNotFoundException({
        message: `Experiment template not found: ${input.experimentTemplateId}`,
        $metadata: {},
      });
    this.count += 1;
    const id = `EXP${stableUuid(`experiment-${this.count}`).replace(/-/g, '').slice(0, 14).toUpperCase()}`;
    let longest = 0;
    for (const action of Object.values(template.actions ?? {})) {
      const fault = faultOf(action.actionId ?? '', action.parameters ?? {});
      longest = Math.max(longest, durationSeconds(action.parameters?.duration ?? 'PT5M'));
      for (const key of Object.values(action.targets ?? {})) {
        for (const arn of template.targets?.[key]?.resourceArns ?? [])
          this.lambda.faults.inject(id, this.lambda.fn(arn).name, fault);
      }
    }
    const experiment: Experiment = {
      id,
      experimentTemplateId: template.id,
      roleArn: template.roleArn,
      state: { status: 'running', reason: 'Experiment is running.' },
      startTime: this.clock.now(),
      tags: { ...(input.tags ?? {}) },
    };
    const stopAlarms = (template.stopConditions ?? [])
      .filter((c) => c.source === 'aws:cloudwatch:alarm' && c.value)
      .map((c) => (c.value ?? '').split(':alarm:').pop() ?? '');
    this.experiments.set(id, { experiment, endsAt: this.clock.now().getTime() + longest * 1000, stopAlarms });
    return { experiment };
  }

  getExperiment(input: GetExperimentCommandInput) {
    this.tick();
    const running = this.experiments.get(input.id ?? '');
    if (!running)
      throw new ResourceNotFoundException({ message: `Experiment not found: ${input.id}`, $metadata: {} });
    return { experiment: running.experiment };
  }

  stopExperiment(input: StopExperimentCommandInput) {
    const running = this.experiments.get(input.id ?? '');
    if (!running)
      throw new ResourceNotFoundException({ message: `Experiment not found: ${input.id}`, $metadata: {} });
    if (running.experiment.state?.status === 'running')
      this.end(running, 'stopped', 'Experiment stopped by user.');
    return { experiment: running.experiment };
  }

  /** Ends experiments whose duration is over or whose stop condition fired. */
  tick(): void {
    const now = this.clock.now().getTime();
    for (const running of this.experiments.values()) {
      if (running.experiment.state?.status !== 'running') continue;
      const fired = running.stopAlarms.filter((name) => this.cloudwatch.alarmState(name) === 'ALARM');
      if (fired.length)
        this.end(running, 'stopped', `Experiment stopped by stop condition ${fired.join(', ')}.`);
      else if (now >= running.endsAt) this.end(running, 'completed', 'Experiment completed.');
    }
  }

  /** Experiments still injecting faults (for checks that nothing is left behind). */
  runningExperiments(): string[] {
    return [...this.experiments.values()]
      .filter((r) => r.experiment.state?.status === 'running')
      .map((r) => r.experiment.id ?? '');
  }

  private end(running: Running, status: 'stopped' | 'completed', reason: string): void {
    const experiment = running.experiment as { state?: { status?: string; reason?: string }; endTime?: Date };
    experiment.state = { status, reason };
    experiment.endTime = this.clock.now();
    this.lambda.faults.clear(running.experiment.id ?? '');
  }

  operations(): SimulatedOperations {
    return {
      CreateExperimentTemplate: (input) => this.createExperimentTemplate(input),
      ListExperimentTemplates: () => this.listExperimentTemplates(),
      StartExperiment: (input) => this.startExperiment(input),
      GetExperiment: (input) => this.getExperiment(input),
      StopExperiment: (input) => this.stopExperiment(input),
    };
  }
}
