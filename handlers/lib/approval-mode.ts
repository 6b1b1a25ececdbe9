/** Who must approve a remediation: nobody (`auto`) or a human. */
export const approvalModes = ['auto', 'human'] as const;
export type ApprovalMode = (typeof approvalModes)[number];
