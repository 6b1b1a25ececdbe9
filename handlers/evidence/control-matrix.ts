import type { ChangeKind } from '../lib/audit-trail.js';

/** The standards evidence records are mapped to, with the text each control id is checked against. */
export const standards = {
  'ISO/IEC 27001:2022':
    'ISO/IEC 27001:2022, Annex A, Table A.1 (controls as in ISO/IEC 27002:2022, clauses 5 to 8)',
  'SOC 2':
    'AICPA, 2017 Trust Services Criteria for Security, Availability, Processing Integrity, Confidentiality, and Privacy (revised points of focus, 2022)',
  'NIST CSF 2.0':
    'NIST, The NIST Cybersecurity Framework (CSF) 2.0, CSWP 29, February 2024, https://doi.org/10.6028/NIST.CSWP.29',
} as const;

export type Standard = keyof typeof standards;

/** One control of one standard, with its title as the standard words it. */
export interface Control {
  readonly standard: Standard;
  readonly id: string;
  readonly title: string;
}

const iso = (id: string, title: string): Control => ({ standard: 'ISO/IEC 27001:2022', id, title });
const soc2 = (id: string, title: string): Control => ({ standard: 'SOC 2', id, title });
const csf = (id: string, title: string): Control => ({ standard: 'NIST CSF 2.0', id, title });

// The controls, each id and title as the standard's own text has it (ISO/IEC 27001:2022 Table
// A.1; the AICPA criteria; CSF 2.0's subcategories, https://csf.tools/reference/nist-cybersecurity-framework/v2-0/).
const control = {
  changeManagement: iso('8.32', 'Change management'),
  segregationOfDuties: iso('5.3', 'Segregation of duties'),
  incidentResponse: iso('5.26', 'Response to information security incidents'),
  authenticationInformation: iso('5.17', 'Authentication information'),
  technicalVulnerabilities: iso('8.8', 'Management of technical vulnerabilities'),
  capacity: iso('8.6', 'Capacity management'),
  configuration: iso('8.9', 'Configuration management'),
  evidence: iso('5.28', 'Collection of evidence'),
  logging: iso('8.15', 'Logging'),
  cc6_3: soc2(
    'CC6.3',
    'The entity authorizes, modifies, or removes access to data, software, functions, and other protected information assets based on roles, responsibilities, or the system design and changes, giving consideration to the concepts of least privilege and segregation of duties, to meet the entity’s objectives.',
  ),
  cc7_4: soc2(
    'CC7.4',
    'The entity responds to identified security incidents by executing a defined incident response program to understand, contain, remediate, and communicate security incidents, as appropriate.',
  ),
  cc7_5: soc2(
    'CC7.5',
    'The entity identifies, develops, and implements activities to recover from identified security incidents.',
  ),
  cc8_1: soc2(
    'CC8.1',
    'The entity authorizes, designs, develops or acquires, configures, documents, tests, approves, and implements changes to infrastructure, data, software, and procedures to meet its objectives.',
  ),
  a1_1: soc2(
    'A1.1',
    'The entity maintains, monitors, and evaluates current processing capacity and use of system components (infrastructure, data, and software) to manage capacity demand and to enable the implementation of additional capacity to help meet its objectives.',
  ),
  contained: csf('RS.MI-01', 'Incidents are contained'),
  eradicated: csf('RS.MI-02', 'Incidents are eradicated'),
  notified: csf('RS.CO-02', 'Internal and external stakeholders are notified of incidents'),
  recovery: csf('RC.RP-02', 'Recovery actions are selected, scoped, prioritized, and performed'),
  separation: csf(
    'PR.AA-05',
    'Access permissions, entitlements, and authorizations are defined in a policy, managed, enforced, and reviewed, and incorporate the principles of least privilege and separation of duties',
  ),
  credentials: csf(
    'PR.AA-01',
    'Identities and credentials for authorized users, services, and hardware are managed by the organization',
  ),
  software: csf('PR.PS-02', 'Software is maintained, replaced, and removed commensurate with risk'),
  configurationPractices: csf('PR.PS-01', 'Configuration management practices are established and applied'),
  resourceCapacity: csf('PR.IR-04', 'Adequate resource capacity to ensure availability is maintained'),
  investigationRecords: csf(
    'RS.AN-06',
    'Actions performed during an investigation are recorded, and the records’ integrity and provenance are preserved',
  ),
} as const satisfies Record<string, Control>;

/** What a record can evidence: every kind of change, and the decisions runs make. */
export type EvidencedSubject = ChangeKind | 'four-eyes' | 'escalation' | 'record';

/**
 * The control matrix: which controls each kind of action and decision evidences. Data, not
 * code: an auditor reads it (README and `runbook evidence export` print it), each record lists
 * what it evidences through it.
 */
export const controlMatrix: { readonly [S in EvidencedSubject]: readonly Control[] } = {
  'alias-rollback': [
    control.changeManagement,
    control.incidentResponse,
    control.cc7_4,
    control.cc7_5,
    control.cc8_1,
    control.contained,
    control.recovery,
  ],
  'concurrency-change': [
    control.capacity,
    control.changeManagement,
    control.a1_1,
    control.cc8_1,
    control.resourceCapacity,
  ],
  'provisioned-concurrency': [
    control.capacity,
    control.changeManagement,
    control.a1_1,
    control.cc8_1,
    control.resourceCapacity,
  ],
  replay: [control.incidentResponse, control.cc7_5, control.recovery],
  quarantine: [control.incidentResponse, control.cc7_4, control.contained],
  rotation: [control.authenticationInformation, control.changeManagement, control.cc8_1, control.credentials],
  'rotation-rollback': [
    control.authenticationInformation,
    control.incidentResponse,
    control.cc7_5,
    control.credentials,
    control.recovery,
  ],
  'runtime-upgrade': [
    control.technicalVulnerabilities,
    control.changeManagement,
    control.cc8_1,
    control.software,
  ],
  'queue-settings': [
    control.configuration,
    control.changeManagement,
    control.cc8_1,
    control.configurationPractices,
  ],
  approval: [control.changeManagement, control.cc8_1, control.separation, control.configurationPractices],
  change: [control.changeManagement, control.cc8_1, control.configurationPractices],
  'four-eyes': [control.segregationOfDuties, control.cc6_3, control.separation],
  escalation: [control.incidentResponse, control.cc7_4, control.notified],
  // The record itself: evidence kept intact, and the change documented (CC8.1 "documents").
  record: [control.evidence, control.logging, control.cc8_1, control.investigationRecords],
};

/** The controls a set of subjects evidences, each once, in the standards' order. */
export function controlsOf(subjects: Iterable<EvidencedSubject>): Control[] {
  const byKey = new Map<string, Control>();
  for (const subject of subjects)
    for (const c of controlMatrix[subject]) byKey.set(`${c.standard} ${c.id}`, c);
  const order = Object.keys(standards);
  return [...byKey.values()].sort(
    (a, b) =>
      order.indexOf(a.standard) - order.indexOf(b.standard) ||
      a.id.localeCompare(b.id, 'en', { numeric: true }),
  );
}
