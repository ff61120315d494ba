import { ApiClient } from './api-client';
import { AuthGate } from './auth-gate';
import { LoadStats } from './load-stats';
import { Session, ViewerAccounts } from './session';
import { FakeGateway } from './testing/fake-gateway';

function viewerSession(fake: FakeGateway, n: number, accounts: ViewerAccounts): Session {
  const api = new ApiClient(
    'http://gateway.test',
    new LoadStats(),
    new AuthGate(fake.transport),
    fake.transport,
    new AbortController().signal,
    fake.transport.now(),
  );
  const credentials = { email: `load-viewer-${n}@kinema.local`, password: 'viewer-password' };
  return new Session(api, fake.transport, credentials, { n, accounts });
}

describe('a viewer session', () => {
  it('signs in again with its password once its session ended, even where new viewers register at once', async () => {
    const fake = new FakeGateway();
    const accounts = new ViewerAccounts();
    accounts.noteNew(1);
    const session = viewerSession(fake, 2, accounts);
    expect(await session.signIn()).toBe(true);
    // The gateway refused its token (the session was ended): the account is there to sign in to.
    session.forget();
    await session.token();
    expect(fake.lines()).toEqual(['POST /api/v1/auth/register', 'POST /api/v1/auth/login']);
  });
});
