import type { AslCatcher, AslDefinition, AslRetrier, AslState } from './asl-types.js';
import { assertNever } from './asl-types.js';
import { choiceRuleText } from './choice-rule-text.js';
import { stepOfTask } from './task-binding.js';

type EdgeKind = 'next' | 'catch';

/**
 * `operator`: what people on call read: steps, decisions in words, approvals with who is asked
 * and for how long, changes marked, retries a marker and the common failure route one legend.
 * `full`: every retry policy and every caught error as the ASL has them.
 */
export type DiagramView = 'operator' | 'full';

interface Diagram {
  readonly lines: string[];
  readonly edges: { readonly kind: EdgeKind; readonly from: string; readonly to: string }[];
  nextId: number;
  /** Node id of every state, by name. */
  readonly ids: Map<string, string>;
  readonly options: RenderOptions;
  /** Where a failing step goes when the operator view folds its route into the legend. */
  readonly failureRoute: string | undefined;
}

/** The states an execution went through, for a diagram that shows the path taken. */
export interface PathTaken {
  readonly visited: ReadonlySet<string>;
  readonly failed: ReadonlySet<string>;
  /** The last state entered. */
  readonly endedAt?: string;
  /**
   * Every state entered, in order: consecutive states mark the edges taken.
   * @default the edges are not marked
   */
  readonly order?: readonly string[];
}

/** How to draw a definition. */
export interface RenderOptions {
  /** @default 'full' */
  readonly view?: DiagramView;
  /** @default no path drawn */
  readonly path?: PathTaken;
  /**
   * Whether a step changes something (its node is marked in the operator view).
   * @default no step is marked
   */
  readonly changes?: (step: string) => boolean;
}

/** A quoted Mermaid label, one line per part; quotes and angle brackets become entities. */
function label(...lines: string[]): string {
  const escaped = lines.map((line) =>
    line.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;'),
  );
  return `"${escaped.join('<br/>')}"`;
}

function edge(diagram: Diagram, from: string, to: string, kind: EdgeKind, text?: string): void {
  const arrow = kind === 'next' ? '-->' : '-.->';
  diagram.lines.push(`  ${from} ${arrow}${text === undefined ? '' : `|${label(text)}|`} ${to}`);
  diagram.edges.push({ kind, from, to });
}

const operatorView = (diagram: Diagram) => diagram.options.view === 'operator';

/** A condition in words: `$.decision.action == "rollback"` reads `decision.action is "rollback"`. */
function inWords(condition: string): string {
  return condition
    .replace(/\$\./g, '')
    .replace(/ == /g, ' is ')
    .replace(/ >= /g, ' at least ')
    .replace(/ <= /g, ' at most ')
    .replace(/ > /g, ' above ')
    .replace(/ < /g, ' below ');
}

/** Seconds as people say them: `30 min`, `3 min`, `45 s`, `2 h`. */
function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** What a caught error means to an operator. */
function errorsInWords(errors: readonly string[]): string {
  const words: Readonly<Record<string, string>> = {
    'States.Timeout': 'no answer in time',
    'States.ALL': 'fails',
    ApprovalRejectedError: 'rejected',
  };
  return errors.map((e) => words[e] ?? `fails with ${e}`).join(' or ');
}

function errorList(errors: readonly string[]): string {
  const [first, second, ...rest] = errors;
  return [first, second].filter(Boolean).join(', ') + (rest.length ? ` +${rest.length} more` : '');
}

/** All of a state's retriers on one self-loop: attempts and the errors each covers. */
function retryText(retriers: readonly AslRetrier[]): string {
  const policies = retriers.map((r) => {
    const [first, ...rest] = r.ErrorEquals;
    return `×${r.MaxAttempts ?? 3} ${first ?? ''}${rest.length ? ` +${rest.length}` : ''}`;
  });
  return `retry ${policies.join(', ')}`;
}

function catchText(diagram: Diagram, catcher: AslCatcher): string {
  return operatorView(diagram) ? errorsInWords(catcher.ErrorEquals) : `on ${errorList(catcher.ErrorEquals)}`;
}

function isApproval(state: AslState): boolean {
  return state.Type === 'Task' && state.Resource.endsWith('.waitForTaskToken');
}

/** The group an approval state asks, from its payload. */
function groupAsked(state: AslState): string | undefined {
  const payload = (state as { Parameters?: { Payload?: { group?: unknown } } }).Parameters?.Payload;
  return typeof payload?.group === 'string' ? payload.group : undefined;
}

/** The node declaration of a state: its shape and class say what kind of state it is. */
function node(diagram: Diagram, id: string, name: string, state: AslState): string {
  const operator = operatorView(diagram);
  switch (state.Type) {
    case 'Task': {
      const step = stepOfTask(state);
      const retried = operator && (state.Retry?.length ?? 0) > 0 ? ' ↻' : '';
      if (isApproval(state)) {
        const timeout = state.TimeoutSeconds;
        if (operator) {
          const group = groupAsked(state);
          return `  ${id}{{${label(group ? `Ask ${group} to approve` : name, timeout ? `waits up to ${duration(timeout)}` : 'waits for an answer')}}}:::approval`;
        }
        return `  ${id}{{${label(`Approval: ${name}`, `waits for a human, times out after ${timeout ?? state.TimeoutSecondsPath ?? 'never'}`)}}}:::approval`;
      }
      if (operator) {
        const changes = step !== undefined && (diagram.options.changes?.(step) ?? false);
        return changes
          ? `  ${id}[${label(`${name}${retried}`, 'changes the target')}]:::change`
          : `  ${id}[${label(`${name}${retried}`)}]:::task`;
      }
      const retries = state.Retry?.length ? [retryText(state.Retry)] : [];
      return `  ${id}[${label(...(step ? [name, `λ ${step}`] : [name]), ...retries)}]:::task`;
    }
    case 'Choice':
      return `  ${id}{${label(name)}}:::choice`;
    case 'Wait': {
      const time =
        state.Seconds !== undefined
          ? operator
            ? `waits ${duration(state.Seconds)}`
            : `${state.Seconds}s`
          : (state.SecondsPath ?? state.Timestamp ?? state.TimestampPath);
      return `  ${id}[/${label(name, String(time))}/]:::wait`;
    }
    case 'Pass':
      return `  ${id}[${label(name)}]:::pass`;
    case 'Succeed':
      return `  ${id}([${label(`✔ ${name}`)}]):::succeed`;
    case 'Fail':
      return `  ${id}([${label(`✖ ${name}${state.Error ? `: ${state.Error}` : ''}`)}]):::fail`;
    case 'Parallel':
    case 'Map':
      return `  ${id}[[${label(name)}]]:::task`;
    default:
      return assertNever(state);
  }
}

/** Renders the states of one graph (the top level or a branch) and returns the ids of its entry and end states. */
function renderGraph(diagram: Diagram, definition: AslDefinition, endTarget: string): string {
  const ids = new Map<string, string>();
  for (const name of Object.keys(definition.States)) {
    ids.set(name, `s${diagram.nextId++}`);
    diagram.ids.set(name, ids.get(name) ?? name);
  }
  const idOf = (name: string) => ids.get(name) ?? name;

  for (const [name, state] of Object.entries(definition.States)) {
    const id = idOf(name);
    if (state.Type === 'Parallel' || state.Type === 'Map') {
      const branches = state.Type === 'Parallel' ? state.Branches : [state.ItemProcessor ?? state.Iterator];
      diagram.lines.push(node(diagram, id, name, state));
      const join = `${id}_done`;
      diagram.lines.push(`  ${join}(( )):::join`);
      branches.forEach((branch, index) => {
        if (!branch) return;
        diagram.lines.push(
          `  subgraph ${id}_b${index}[${label(state.Type === 'Map' ? `${name}: each item` : `${name}: branch ${index + 1}`)}]`,
        );
        const start = renderGraph(diagram, branch, join);
        diagram.lines.push('  end');
        edge(diagram, id, start, 'next');
      });
      continueFrom(diagram, join, state, idOf, endTarget);
    } else {
      diagram.lines.push(node(diagram, id, name, state));
      continueFrom(diagram, id, state, idOf, endTarget);
    }
    if ('Catch' in state)
      for (const catcher of state.Catch ?? []) {
        // The operator view says once, in its legend, where any failing step goes.
        const folded =
          operatorView(diagram) &&
          catcher.ErrorEquals.includes('States.ALL') &&
          catcher.Next === diagram.failureRoute;
        if (!folded) edge(diagram, id, idOf(catcher.Next), 'catch', catchText(diagram, catcher));
      }
  }
  return idOf(definition.StartAt);
}

function continueFrom(
  diagram: Diagram,
  from: string,
  state: AslState,
  idOf: (name: string) => string,
  endTarget: string,
): void {
  if (state.Type === 'Choice') {
    // Rules leading to one state share an arrow: two labels on parallel arrows overlap.
    const conditionsByNext = new Map<string, string[]>();
    for (const rule of state.Choices) {
      if (!rule.Next) continue;
      const condition = choiceRuleText(rule);
      const conditions = conditionsByNext.get(rule.Next) ?? [];
      conditions.push(operatorView(diagram) ? inWords(condition) : condition);
      conditionsByNext.set(rule.Next, conditions);
    }
    for (const [next, conditions] of conditionsByNext)
      edge(diagram, from, idOf(next), 'next', conditions.join(' or '));
    if (state.Default) edge(diagram, from, idOf(state.Default), 'next', 'otherwise');
    return;
  }
  if (state.Next) edge(diagram, from, idOf(state.Next), 'next');
  else if (state.End || state.Type === 'Succeed' || state.Type === 'Fail')
    edge(diagram, from, endTarget, 'next');
}

/** The state most steps' catch-all (`States.ALL`) leads to: the runbook's failure route. */
function commonFailureRoute(definition: AslDefinition): string | undefined {
  const counts = new Map<string, number>();
  for (const state of Object.values(definition.States))
    if ('Catch' in state)
      for (const catcher of state.Catch ?? [])
        if (catcher.ErrorEquals.includes('States.ALL'))
          counts.set(catcher.Next, (counts.get(catcher.Next) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * Renders ASL as a Mermaid flowchart: every state with a shape by type, Choice branches labelled
 * with their conditions, caught errors (red, dotted) apart from normal flow, approval and wait
 * states marked, start and end nodes. The operator view (see `DiagramView`) folds what people on
 * call do not act on; with a path, the states entered and the edges taken are marked.
 */
export function renderMermaid(definition: AslDefinition, options: RenderOptions = {}): string {
  const failureRoute = options.view === 'operator' ? commonFailureRoute(definition) : undefined;
  const diagram: Diagram = {
    lines: ['flowchart TD', '  start(["Start"]):::terminal', '  finish(["End"]):::terminal'],
    edges: [],
    nextId: 0,
    ids: new Map(),
    options,
    failureRoute,
  };
  const start = renderGraph(diagram, definition, 'finish');
  edge(diagram, 'start', start, 'next');
  if (failureRoute !== undefined)
    diagram.lines.push(`  legend>${label(`Any step that fails: ${failureRoute}`)}]:::legend`);
  const indices = (kind: EdgeKind) => diagram.edges.flatMap((e, i) => (e.kind === kind ? [i] : []));
  const catches = indices('catch');
  if (catches.length)
    diagram.lines.push(`  linkStyle ${catches.join(',')} stroke:#d62728,stroke-dasharray:6 3`);
  diagram.lines.push(
    '  classDef terminal fill:#222,color:#fff,stroke:#222',
    '  classDef task fill:#e8f0fe,stroke:#3367d6',
    '  classDef change fill:#fde7c8,stroke:#b45309',
    '  classDef approval fill:#fff4d6,stroke:#e69500,stroke-width:2px',
    '  classDef wait fill:#f3e8fd,stroke:#8e44ad',
    '  classDef choice fill:#fff,stroke:#555',
    '  classDef pass fill:#f5f5f5,stroke:#999',
    '  classDef succeed fill:#e6f4ea,stroke:#188038',
    '  classDef fail fill:#fce8e6,stroke:#d62728',
    '  classDef join fill:#555,stroke:#555',
    '  classDef legend fill:#fff,stroke:#d62728,color:#d62728',
  );
  const path = options.path;
  if (path) {
    const idsOf = (names: Iterable<string>) => [...names].flatMap((n) => diagram.ids.get(n) ?? []);
    const visited = idsOf(path.visited);
    const failed = idsOf(path.failed);
    const ended = idsOf(path.endedAt ? [path.endedAt] : []);
    diagram.lines.push(
      '  classDef visited stroke:#188038,stroke-width:4px',
      '  classDef failedState stroke:#d62728,stroke-width:4px,fill:#fce8e6',
      '  classDef endedHere stroke:#000,stroke-width:5px',
    );
    if (visited.length) diagram.lines.push(`  class ${visited.join(',')} visited`);
    if (failed.length) diagram.lines.push(`  class ${failed.join(',')} failedState`);
    if (ended.length) diagram.lines.push(`  class ${ended.join(',')} endedHere`);
    const order = path.order ?? [];
    const steps = new Set(
      order.slice(1).map((name, i) => `${diagram.ids.get(order[i] ?? '')}>${diagram.ids.get(name)}`),
    );
    if (order.length) steps.add(`start>${diagram.ids.get(order[0] ?? '')}`);
    const taken = diagram.edges.flatMap((e, i) => (steps.has(`${e.from}>${e.to}`) ? [i] : []));
    if (taken.length) diagram.lines.push(`  linkStyle ${taken.join(',')} stroke:#188038,stroke-width:4px`);
  }
  return `${diagram.lines.join('\n')}\n`;
}
