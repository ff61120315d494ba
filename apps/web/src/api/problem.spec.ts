import { describe, expect, it } from 'vitest';
import { ApiError, describeError, toApiError } from './problem';

describe('problem answers', () => {
  it('shows the detail of a problem and the message of each named field', () => {
    const error = toApiError(new Response(null, { status: 400 }), {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'The request is invalid.',
      errors: [{ field: 'email', description: 'email must be an email' }],
    });
    expect(describeError(error)).toBe('The request is invalid.');
    expect(error.fieldError('email')).toBe('email must be an email');
    expect(error.fieldError('password')).toBeUndefined();
  });

  it('puts an answer without a problem body into words from its status', () => {
    const error = toApiError(new Response(null, { status: 502, statusText: 'Bad Gateway' }), '');
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(502);
    expect(describeError(error)).toBe('Bad Gateway');
  });

  it('says the network is down when fetch itself fails', () => {
    expect(describeError(new TypeError('fetch failed'))).toMatch(/cannot be reached/);
  });
});
