import { isUuid } from '@kinema/contracts/identifiers';
import type { ComponentType } from 'react';
import { createBrowserRouter, Navigate, useParams } from 'react-router';
import { AppLayout, PUBLIC_PAGE } from './app-layout';
import { HomePage } from './pages/home-page';
import { NotFoundPage } from './pages/not-found-page';
import { ProfilesPage } from './pages/profiles-page';
import { RouteErrorPage } from './pages/route-error-page';
import { SearchPage } from './pages/search-page';
import { SignInPage } from './pages/sign-in-page';
import { TitlePage } from './pages/title-page';

/** Shown while a code-split screen loads on a page's first render (a direct link to it). */
function Loading() {
  return <p className="booting">Loading Kinema…</p>;
}

/**
 * A title's page, at an address whose id has the shape of a title's id; any other address (a
 * mangled link) has no page, rather than asking the API and saying the request is invalid.
 */
function ofTitle(Page: ComponentType): ComponentType {
  return function TitleIdPage() {
    const { id = '' } = useParams();
    return isUuid(id) ? <Page /> : <NotFoundPage />;
  };
}

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage mode="sign-in" />, errorElement: <RouteErrorPage /> },
  { path: '/register', element: <SignInPage mode="register" />, errorElement: <RouteErrorPage /> },
  {
    element: <AppLayout />,
    HydrateFallback: Loading,
    errorElement: <RouteErrorPage />,
    children: [
      {
        // A page that fails shows its error under the app's header, which still works.
        errorElement: <RouteErrorPage />,
        children: [
          { index: true, element: <HomePage />, handle: PUBLIC_PAGE },
          { path: 'profiles', element: <ProfilesPage /> },
          { path: 'search', element: <SearchPage />, handle: PUBLIC_PAGE },
          { path: 'title/:id', Component: ofTitle(TitlePage), handle: PUBLIC_PAGE },
          // The player is code-split: the first page does not carry it.
          {
            path: 'watch/:id',
            lazy: async () => ({
              Component: ofTitle((await import('./pages/player-page')).PlayerPage),
            }),
          },
          // So is the account's page (a new password, deleting the account): seldom opened.
          {
            path: 'account',
            lazy: async () => ({ Component: (await import('./pages/account-page')).AccountPage }),
          },
          // Admin screens are code-split too; they redirect home for kids profiles and viewers.
          { path: 'admin', element: <Navigate to="/admin/titles" replace /> },
          {
            path: 'admin/titles',
            lazy: async () => ({
              Component: (await import('./admin/admin-titles-page')).AdminTitlesPage,
            }),
          },
          {
            path: 'admin/titles/new',
            lazy: async () => ({ Component: (await import('./admin/admin-page')).AdminPage }),
          },
          {
            path: 'admin/titles/:id',
            lazy: async () => ({ Component: (await import('./admin/admin-page')).AdminPage }),
          },
          { path: '*', element: <NotFoundPage />, handle: PUBLIC_PAGE },
        ],
      },
    ],
  },
]);
