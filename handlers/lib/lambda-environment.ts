/**
 * Lambda's rules for environment variable keys: letters, digits and underscores starting with a
 * letter, at least two characters (the API's pattern `[a-zA-Z]([a-zA-Z0-9_])+`), and none of the
 * keys the runtime reserves for itself
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export const environmentKeyPattern = /^[a-zA-Z][a-zA-Z0-9_]+$/;

export const reservedEnvironmentKeys: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'TZ',
]);

/** Why Lambda would refuse this key, or undefined when it accepts it. */
export function environmentKeyProblem(key: string): string | undefined {
  if (!environmentKeyPattern.test(key))
    return `${JSON.stringify(key.slice(0, 100))} is not an environment variable name (a letter, then letters, digits or _)`;
  if (reservedEnvironmentKeys.has(key)) return `${key} is reserved by the Lambda runtime`;
  return undefined;
}
