/** One check of `runbook doctor`: what it found and, when it is not ok, what to do. */
export interface DoctorCheck {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly found: string;
  /** What to do about it. */
  readonly fix?: string;
}

export const ok = (name: string, found: string): DoctorCheck => ({ name, status: 'ok', found });
export const warn = (name: string, found: string, fix: string): DoctorCheck => ({
  name,
  status: 'warn',
  found,
  fix,
});
export const fail = (name: string, found: string, fix: string): DoctorCheck => ({
  name,
  status: 'fail',
  found,
  fix,
});
