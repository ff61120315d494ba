import { Link, useLocation } from 'react-router';

/** Any address the app has no page for: said plainly, inside the app, with the way home. */
export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <main className="message-page">
      <title>Page not found · Kinema</title>
      <h1>Page not found</h1>
      <p>
        Kinema has no page at <code>{pathname}</code>.
      </p>
      <Link className="button" to="/">
        Go to the home page
      </Link>
    </main>
  );
}
