import { App, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { JsonPath, StateGraph, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { taskStep } from '../../../runbooks/fragments/task-step.js';

const scope = () => new Stack(new App(), 'Test');
const fn = (stack: Stack) =>
  LambdaFunction.fromFunctionArn(stack, 'Step', 'arn:aws:lambda:eu-west-1:111122223333:function:step');

describe('a runbook step as a Task', () => {
  it('carries where the run acts and for whom, from the execution’s dispatch context', () => {
    const stack = scope();
    const task = taskStep(stack, 'Roll back alias', {
      lambdaFunction: fn(stack),
      payload: TaskInput.fromObject({ target: JsonPath.objectAt('$.evidence.target') }),
    });
    const states = stack.resolve(new StateGraph(task, 'test').toGraphJson()).States;
    // Invoked directly (its result only): the parameters are the payload.
    expect(states['Roll back alias'].Parameters).toEqual({
      'target.$': '$.evidence.target',
      actingIn: {
        'account.$': '$$.Execution.Input.dispatch.account',
        'region.$': '$$.Execution.Input.dispatch.region',
        'environment.$': '$$.Execution.Input.dispatch.environment',
        'execution.$': '$$.Execution.Name',
        'requestedBy.$': '$$.Execution.Input.dispatch.requestedBy',
      },
    });
  });

  it('refuses a payload that is not an object, which could not carry it', () => {
    const whole = scope();
    expect(() =>
      taskStep(whole, 'Whole state', { lambdaFunction: fn(whole), payload: TaskInput.fromJsonPathAt('$') }),
    ).toThrow(/Whole state: a step's payload is an object/);
    const none = scope();
    expect(() => taskStep(none, 'No payload', { lambdaFunction: fn(none) })).toThrow(/No payload/);
  });
});
