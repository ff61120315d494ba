import { Link, useRouteError } from 'react-router';

/**
 * A lazily loaded screen whose code could not be fetched: most often the site was updated since
 * this tab opened and the old file names are gone; a reload gets the current ones.
 */
function failedToLoadCode(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /dynamically imported module|Importing a module script failed/i.test(error.message)
  );
}

/**
 * What a page shows when rendering or loading it threw, in place of React Router's page for
 * developers: what happened, in the viewer's words, and a reload. The error itself goes to the
 * console, where React reports it.
 */
export function RouteErrorPage() {
  const error = useRouteError();
  const code = failedToLoadCode(error);
  return (
    <main className="message-page">
      <title>Something went wrong · Kinema</title>
      <h1>{code ? 'This page could not load' : 'Something went wrong'}</h1>
      <p role="alert">
        {code
          ? 'Kinema may have been updated since this tab opened, or the connection dropped. Reload to get the current version.'
          : 'This page stopped working. Reloading usually helps; if it does not, try again later.'}
      </p>
      <div className="actions">
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Reload
        </button>
        <Link className="button button--secondary" to="/" reloadDocument>
          Go to the home page
        </Link>
      </div>
    </main>
  );
}
