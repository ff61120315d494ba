import type { ProblemCode } from '@kinema/contracts';
import type { FieldViolation } from './domain-error';

/** RFC 9457 problem details, as every HTTP error from Kinema is shaped. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: ProblemCode;
  errors?: FieldViolation[];
  requestId?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(
  status: number,
  title: string,
  extra: Omit<ProblemDetails, 'type' | 'title' | 'status'> & { type?: string } = {},
): ProblemDetails {
  return { type: extra.type ?? 'about:blank', title, status, ...extra };
}
