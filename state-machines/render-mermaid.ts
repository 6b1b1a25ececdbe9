import type { AslCatcher, AslDefinition, AslRetrier, AslState } from './asl-types.js';
import { assertNever } from './asl-types.js';
import { choiceRuleText } from './choice-rule-text.js';
import { stepOfTask } from './task-binding.js';

type EdgeKind = 'next' | 'retry' | 'catch';

interface Diagram {
  readonly lines: string[];
  readonly edgeKinds: EdgeKind[];
  nextId: number;
  /** Node id of every state, by name. */
  readonly ids: Map<string, string>;
}

/** The states an execution went through, for a diagram that shows the path taken. */
export interface PathTaken {
  readonly visited: ReadonlySet<string>;
  readonly failed: ReadonlySet<string>;
  /** The last state entered. */
  readonly endedAt?: string;
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
  diagram.edgeKinds.push(kind);
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

function catchText(catcher: AslCatcher): string {
  return `on ${errorList(catcher.ErrorEquals)}`;
}

function isApproval(state: AslState): boolean {
  return state.Type === 'Task' && state.Resource.endsWith('.waitForTaskToken');
}

/** The node declaration of a state: its shape and class say what kind of state it is. */
function node(id: string, name: string, state: AslState): string {
  switch (state.Type) {
    case 'Task': {
      const step = stepOfTask(state);
      if (isApproval(state)) {
        const timeout = state.TimeoutSeconds ?? state.TimeoutSecondsPath;
        return `  ${id}{{${label(`✋ ${name}`, `waits for a human, times out after ${timeout ?? 'never'}`)}}}:::approval`;
      }
      return `  ${id}[${label(...(step ? [name, `λ ${step}`] : [name]))}]:::task`;
    }
    case 'Choice':
      return `  ${id}{${label(name)}}:::choice`;
    case 'Wait': {
      const time =
        state.Seconds !== undefined
          ? `${state.Seconds}s`
          : (state.SecondsPath ?? state.Timestamp ?? state.TimestampPath);
      return `  ${id}[/${label(`⏱ ${name}`, String(time))}/]:::wait`;
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
      diagram.lines.push(node(id, name, state));
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
      diagram.lines.push(node(id, name, state));
      continueFrom(diagram, id, state, idOf, endTarget);
    }
    if ('Retry' in state && state.Retry?.length) edge(diagram, id, id, 'retry', retryText(state.Retry));
    if ('Catch' in state)
      for (const catcher of state.Catch ?? [])
        edge(diagram, id, idOf(catcher.Next), 'catch', catchText(catcher));
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
    for (const rule of state.Choices)
      if (rule.Next) edge(diagram, from, idOf(rule.Next), 'next', choiceRuleText(rule));
    if (state.Default) edge(diagram, from, idOf(state.Default), 'next', 'otherwise');
    return;
  }
  if (state.Next) edge(diagram, from, idOf(state.Next), 'next');
  else if (state.End || state.Type === 'Succeed' || state.Type === 'Fail')
    edge(diagram, from, endTarget, 'next');
}

/**
 * Renders ASL as a Mermaid flowchart: every state with a shape by type, Choice branches labelled with
 * their conditions, Retry (orange, dotted) and Catch (red, dotted) edges apart from normal flow,
 * approval and wait states marked, start and end nodes.
 */
export function renderMermaid(definition: AslDefinition, path?: PathTaken): string {
  const diagram: Diagram = {
    lines: ['flowchart TD', '  start(["Start"]):::terminal', '  finish(["End"]):::terminal'],
    edgeKinds: [],
    nextId: 0,
    ids: new Map(),
  };
  const start = renderGraph(diagram, definition, 'finish');
  edge(diagram, 'start', start, 'next');
  const indices = (kind: EdgeKind) => diagram.edgeKinds.flatMap((k, i) => (k === kind ? [i] : []));
  const retries = indices('retry');
  const catches = indices('catch');
  if (retries.length)
    diagram.lines.push(`  linkStyle ${retries.join(',')} stroke:#e69500,stroke-dasharray:3 3`);
  if (catches.length)
    diagram.lines.push(`  linkStyle ${catches.join(',')} stroke:#d62728,stroke-dasharray:6 3`);
  diagram.lines.push(
    '  classDef terminal fill:#222,color:#fff,stroke:#222',
    '  classDef task fill:#e8f0fe,stroke:#3367d6',
    '  classDef approval fill:#fff4d6,stroke:#e69500,stroke-width:2px',
    '  classDef wait fill:#f3e8fd,stroke:#8e44ad',
    '  classDef choice fill:#fff,stroke:#555',
    '  classDef pass fill:#f5f5f5,stroke:#999',
    '  classDef succeed fill:#e6f4ea,stroke:#188038',
    '  classDef fail fill:#fce8e6,stroke:#d62728',
    '  classDef join fill:#555,stroke:#555',
  );
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
  }
  return `${diagram.lines.join('\n')}\n`;
}
