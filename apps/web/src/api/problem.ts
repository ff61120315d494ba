import type { Problem } from '../schema/types';

/** An API answer other than 2xx, carrying its problem+json body (or one made up in words). */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  /** The message the API gave for one field, if it named that field. */
  fieldError(field: string): string | undefined {
    return this.problem.errors?.find((violation) => violation.field === field)?.description;
  }
}

/** What a person reads: the problem's detail, else its title, else the status in words. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail ?? error.problem.title;
  if (error instanceof Error && error.name === 'AbortError') return 'The request was cancelled.';
  if (error instanceof TypeError) return 'Kinema cannot be reached. Check your connection.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}

function isProblem(body: unknown): body is Problem {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as Problem).status === 'number' &&
    typeof (body as Problem).title === 'string'
  );
}

/** Turns an error answer into an ApiError whether or not its body is problem+json. */
export function toApiError(response: Response, body: unknown): ApiError {
  if (isProblem(body)) return new ApiError(body);
  return new ApiError({
    type: 'about:blank',
    status: response.status,
    title: response.statusText || `HTTP ${response.status}`,
  });
}

/** Whether an error is a request given up for want of an answer (REQUEST_TIMEOUT_MS, client.ts). */
export function timedOut(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'TimeoutError';
}
