import { createBrowserRouter } from 'react-router';
import { whenSessionLost } from './api/client';
import { AppLayout } from './app-layout';
import { HomePage } from './pages/home-page';
import { ProfilesPage } from './pages/profiles-page';
import { SearchPage } from './pages/search-page';
import { SignInPage } from './pages/sign-in-page';
import { TitlePage } from './pages/title-page';

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage mode="sign-in" /> },
  { path: '/register', element: <SignInPage mode="register" /> },
  {
    element: <AppLayout />,
    children: [
      { index: true, element: <HomePage /> },
      { path: 'profiles', element: <ProfilesPage /> },
      { path: 'search', element: <SearchPage /> },
      { path: 'title/:id', element: <TitlePage /> },
      // The player is code-split: the first page does not carry it.
      {
        path: 'watch/:id',
        lazy: async () => ({ Component: (await import('./pages/player-page')).PlayerPage }),
      },
    ],
  },
]);

// A session that cannot be refreshed: sign in again, then come back to the same page.
whenSessionLost(() => {
  const here = `${location.pathname}${location.search}`;
  void router.navigate(`/sign-in?expired=1&next=${encodeURIComponent(here)}`, { replace: true });
});
