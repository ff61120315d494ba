/**
 * The page a person was on when the app sent them to sign in or to choose a profile (`?next=`),
 * so that they land there after; only a path of this site, never another one (`//host`).
 */
export function wantedPath(params: URLSearchParams): string | undefined {
  const next = params.get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : undefined;
}

/** `to`, still leading on to the page `params` name. */
export function carryingNext(to: string, params: URLSearchParams): string {
  const wanted = wantedPath(params);
  return wanted ? `${to}?next=${encodeURIComponent(wanted)}` : to;
}
