import { MaturityRating } from '@kinema/contracts';
import { createHmac } from 'node:crypto';
import { issueGrant, verifyGrant, type PlaybackGrant } from './playback-grant';

const SECRET = 'a-test-secret-of-enough-length-0123456789';
const NOW = 1_800_000_000;
const grant: PlaybackGrant = {
  titleId: '11111111-1111-4111-8111-111111111111',
  episodeId: '',
  profileId: '22222222-2222-4222-8222-222222222222',
  sessionId: '33333333-3333-4333-8333-333333333333',
  maxMaturity: MaturityRating.MATURITY_RATING_KIDS_7,
  expiresAt: NOW + 60,
};
const target = { titleId: grant.titleId, episodeId: '' };

describe('playback grants', () => {
  it('verifies a grant it issued, for the title it names', () => {
    expect(verifyGrant(SECRET, issueGrant(SECRET, grant), target, NOW)).toEqual({
      ok: true,
      grant,
    });
  });

  it('refuses an expired grant', () => {
    expect(verifyGrant(SECRET, issueGrant(SECRET, grant), target, NOW + 60)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses a grant signed with another secret or with a tampered payload', () => {
    expect(verifyGrant('another-secret', issueGrant(SECRET, grant), target, NOW).ok).toBe(false);
    const [, signature] = issueGrant(SECRET, grant).split('.');
    const forged = Buffer.from(
      JSON.stringify({
        v: 2,
        t: grant.titleId,
        e: '',
        p: grant.profileId,
        s: grant.sessionId,
        m: 5,
        x: NOW + 60,
      }),
    ).toString('base64url');
    expect(verifyGrant(SECRET, `${forged}.${signature}`, target, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a grant of the first version, which named no session', () => {
    const body = Buffer.from(
      JSON.stringify({ v: 1, t: grant.titleId, e: '', p: grant.profileId, m: 2, x: NOW + 60 }),
    ).toString('base64url');
    const signature = createHmac('sha256', SECRET)
      .update(`kinema-playback-grant.${body}`)
      .digest('base64url');
    expect(verifyGrant(SECRET, `${body}.${signature}`, target, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('refuses a grant for another title or episode, and garbage', () => {
    const token = issueGrant(SECRET, grant);
    expect(verifyGrant(SECRET, token, { titleId: grant.profileId, episodeId: '' }, NOW)).toEqual({
      ok: false,
      reason: 'wrong-title',
    });
    expect(verifyGrant(SECRET, token, { ...target, episodeId: grant.profileId }, NOW).ok).toBe(
      false,
    );
    for (const junk of ['', 'a.b.c', 'nodot', '../../x'])
      expect(verifyGrant(SECRET, junk, target, NOW).ok).toBe(false);
  });
});
