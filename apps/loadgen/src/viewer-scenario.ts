import { LIBRARY_LIMITS } from '@kinema/contracts';
import { jsonOf, type ApiAnswer, type ApiClient, type ApiRequest } from './api-client';
import type {
  BrowseView,
  EpisodeView,
  ListView,
  PlaybackGrantView,
  ProfileView,
  TitleView,
} from './api-views';
import type { SeededRandom } from './seeded-random';
import { SignInFailed, type Session } from './session';

export interface ThinkRange {
  minMs: number;
  maxMs: number;
}

/** How much a player asks for at a time; a few of these are read per playback. */
export const RANGE_BYTES = 512 * 1024;
/** At most this many titles stay on a viewer's My List; past it, adding one removes another. */
const MY_LIST_SIZE = 5;

/** How often a visit takes each optional step. */
export const VIEWER_CHANCES = {
  search: 0.5,
  watch: 0.6,
  myList: 0.35,
  continueWatching: 0.3,
  readMyList: 0.2,
  kidsProfile: 0.3,
} as const;

/** The address of the n-th simulated viewer's account (the same in every run, so it is reused). */
export function viewerEmail(n: number): string {
  return `load-viewer-${n}@kinema.local`;
}

/**
 * A person using the web app: signs in, picks a profile, then visits again and again with a
 * pause between steps: the home page, sometimes a search, a title's page, sometimes playback
 * (a grant, Range reads of the stream, the position saved), My List and continue watching.
 */
export class Viewer {
  private profileId?: string;
  private readonly myList = new Set<string>();

  constructor(
    private readonly api: ApiClient,
    private readonly session: Session,
    private readonly random: SeededRandom,
    private readonly think: ThinkRange,
    /** Words of the catalog's title names, typed into search. */
    private readonly words: readonly string[],
  ) {}

  /** Visits until the run stops (Stopped) or the account is refused (SignInRefused). */
  async run(): Promise<void> {
    for (;;) {
      try {
        if (!this.session.signedIn || !this.profileId) await this.start();
        await this.visit();
      } catch (error) {
        // The gateway could not sign in now; the next visit tries again.
        if (!(error instanceof SignInFailed)) throw error;
      }
      await this.pause();
    }
  }

  private async start(): Promise<void> {
    await this.session.signIn();
    this.profileId = undefined;
    const listed = await this.read<ListView<ProfileView>>('/api/v1/me/profiles');
    if (!listed) return;
    const profiles = [...listed.items];
    if (
      profiles.length === 0 ||
      (profiles.length < 2 && this.random.chance(VIEWER_CHANCES.kidsProfile))
    ) {
      const created = await this.call({
        method: 'POST',
        path: '/api/v1/me/profiles',
        json: profiles.length === 0 ? { name: 'Viewer' } : { name: 'Kids', kids: true },
      });
      const profile = created.status === 201 ? jsonOf<ProfileView>(created) : undefined;
      if (profile) profiles.push(profile);
    }
    this.profileId = this.random.pick(profiles)?.id;
  }

  private async visit(): Promise<void> {
    const home = await this.read<BrowseView>('/api/v1/browse');
    if (!home) return;
    let candidates = home.rows.flatMap((row) => row.items);
    await this.pause();
    const word =
      this.words.length > 0 && this.random.chance(VIEWER_CHANCES.search)
        ? this.random.pick(this.words)
        : undefined;
    if (word) {
      // What someone types before the results show what they want: a prefix of a word.
      const typed = word.slice(0, this.random.int(Math.min(3, word.length), word.length));
      const found = await this.read<ListView<TitleView>>(
        `/api/v1/titles?q=${encodeURIComponent(typed)}&limit=20`,
      );
      if (!found) return;
      if (found.items.length > 0) candidates = found.items;
      await this.pause();
    }
    const chosen = this.random.pick(candidates);
    if (!chosen) return;
    const title = await this.read<TitleView>(`/api/v1/titles/${chosen.id}`);
    if (!title) return;
    if (this.random.chance(VIEWER_CHANCES.watch) && (await this.watch(title))) await this.pause();
    if (this.random.chance(VIEWER_CHANCES.myList)) {
      await this.pause();
      await this.changeMyList(title.id);
    }
    if (this.random.chance(VIEWER_CHANCES.continueWatching)) {
      await this.pause();
      await this.read(`/api/v1/me/profiles/${this.profileId}/continue-watching`);
    }
    if (this.random.chance(VIEWER_CHANCES.readMyList)) {
      await this.pause();
      await this.read(`/api/v1/me/profiles/${this.profileId}/list`);
    }
  }

  /** Plays a playable title (a series: its first playable episode); false when it cannot. */
  private async watch(title: TitleView): Promise<boolean> {
    const episode = title.type === 'series' ? firstPlayable(title) : undefined;
    if (title.type === 'series' ? !episode : !title.playable) return false;
    const base = `/api/v1/titles/${title.id}${episode ? `/episodes/${episode.id}` : ''}`;
    const granted = await this.call({ method: 'POST', path: `${base}/playback` });
    const grant =
      granted.status === 200 || granted.status === 201
        ? jsonOf<PlaybackGrantView>(granted)
        : undefined;
    if (!grant) return false;
    await this.pause();
    // A <video> element with the grant URL: no Authorization header, one Range at a time.
    const reads = this.random.int(1, 4);
    let offset = 0;
    for (let i = 0; i < reads && offset < grant.sizeBytes; i++) {
      if (i > 0) await this.pause();
      const end = Math.min(grant.sizeBytes, offset + RANGE_BYTES) - 1;
      const answer = await this.api.send({
        method: 'GET',
        path: grant.streamUrl,
        headers: { range: `bytes=${offset}-${end}` },
      });
      if (answer.status !== 206 && answer.status !== 200) return true;
      offset = end + 1;
    }
    // Whole seconds, as the web app's player reports them (a clip may last 3.008 s).
    const duration = Math.round(
      grant.durationSeconds > 0
        ? grant.durationSeconds
        : (episode?.runtimeMinutes ?? title.runtimeMinutes) * 60,
    );
    if (duration <= 0) return true;
    await this.pause();
    // Stopped somewhere in the middle, so the title shows up in continue watching.
    const position = Math.floor(duration * (0.05 + 0.85 * this.random.fraction()));
    await this.call({
      method: 'PUT',
      path: `/api/v1/me/profiles/${this.profileId}/progress/${title.id}`,
      json: {
        positionSeconds: Math.min(position, LIBRARY_LIMITS.durationSeconds),
        durationSeconds: Math.min(Math.max(1, duration), LIBRARY_LIMITS.durationSeconds),
        ...(episode ? { episodeId: episode.id } : {}),
      },
    });
    return true;
  }

  /** Adds the title to My List, or removes it (or another one when the list is full). */
  private async changeMyList(titleId: string): Promise<void> {
    const list = `/api/v1/me/profiles/${this.profileId}/list`;
    if (this.myList.has(titleId) || this.myList.size >= MY_LIST_SIZE) {
      const removed = this.myList.has(titleId) ? titleId : this.random.pick([...this.myList]);
      if (!removed) return;
      const answer = await this.call({ method: 'DELETE', path: `${list}/${removed}` });
      if (answer.status === 204) this.myList.delete(removed);
      return;
    }
    const answer = await this.call({ method: 'PUT', path: `${list}/${titleId}` });
    if (answer.status === 200) this.myList.add(titleId);
  }

  /** A GET as the signed-in profile; its JSON when it succeeded. */
  private async read<T>(path: string): Promise<T | undefined> {
    const answer = await this.call({ method: 'GET', path });
    return answer.status === 200 ? jsonOf<T>(answer) : undefined;
  }

  /** A request with the session's token and the chosen profile; a 401 ends the session. */
  private async call(request: ApiRequest): Promise<ApiAnswer> {
    const token = await this.session.token();
    const answer = await this.api.send({
      ...request,
      token,
      ...(this.profileId ? { profileId: this.profileId } : {}),
    });
    if (answer.status === 401) this.session.forget();
    return answer;
  }

  private pause(): Promise<void> {
    return this.api.pause(this.random.between(this.think));
  }
}

function firstPlayable(title: TitleView): EpisodeView | undefined {
  return [...(title.seasons ?? [])]
    .sort((a, b) => a.number - b.number)
    .flatMap((season) => [...season.episodes].sort((a, b) => a.number - b.number))
    .find((episode) => episode.playable);
}
