import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, data } from '../api/client';
import { continueWatchingQuery, QUERY_ROOTS, titleQuery } from '../api/queries';
import { useSession } from '../auth/use-session';
import { episodeLabel, episodeTitle, episodeToPlay, nextEpisode } from '../ui/episodes';
import { ErrorMessage, SkeletonBlock } from '../ui/feedback';
import { usePlayerKeys } from './player-keys';
import { savingChangesOnly } from './progress-reports';

/** How often progress is saved while the video plays (and on pause, seek and leaving). */
const PROGRESS_EVERY_MS = 10_000;

export function PlayerPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const session = useSession();
  const profileId = session?.profile?.id ?? '';
  const client = useQueryClient();
  const video = useRef<HTMLVideoElement>(null);
  const [ended, setEnded] = useState(false);
  // React detaches the element before the leave cleanup runs; the last position it showed is kept.
  const last = useRef<{ position: number; duration: number } | undefined>(undefined);
  const title = useQuery(titleQuery(id));
  const saved = useQuery({ ...continueWatchingQuery(profileId), enabled: !!profileId });
  const savedForTitle = saved.data?.items.find((item) => item.title.id === id);
  // A series opened without an episode plays the one it is part-way through, else its first.
  const series = title.data?.type === 'series';
  const episodeId =
    params.get('episode') ??
    (title.data && series && (saved.isSuccess || !profileId)
      ? episodeToPlay(title.data, savedForTitle)?.id
      : undefined);
  const resolved = !series || episodeId !== undefined;
  const grant = useQuery({
    queryKey: ['grant', id, episodeId],
    queryFn: () =>
      episodeId
        ? data(
            api.POST('/api/v1/titles/{id}/episodes/{episodeId}/playback', {
              params: { path: { id, episodeId }, header: { 'X-Profile-Id': profileId } },
            }),
          )
        : data(
            api.POST('/api/v1/titles/{id}/playback', {
              params: { path: { id }, header: { 'X-Profile-Id': profileId } },
            }),
          ),
    enabled: !!profileId && title.isSuccess && resolved,
    staleTime: Infinity,
    gcTime: 0,
  });

  const explicitStart = params.get('t');
  const savedItem = saved.data?.items.find(
    (item) => item.title.id === id && (item.episodeId ?? undefined) === episodeId,
  );
  const startAt =
    explicitStart !== null ? Number(explicitStart) : (savedItem?.positionSeconds ?? 0);

  const save = useMemo(
    () =>
      savingChangesOnly(async ({ titleId, ...body }) => {
        const { response } = await api.PUT('/api/v1/me/profiles/{profileId}/progress/{titleId}', {
          params: { path: { profileId, titleId } },
          body,
          // Still sent when the tab is closing.
          keepalive: true,
        });
        return response.ok;
      }),
    [profileId],
  );
  const report = useCallback(async (): Promise<void> => {
    const element = video.current;
    if (element && Number.isFinite(element.duration))
      last.current = { position: element.currentTime, duration: element.duration };
    const seen = last.current;
    if (!seen || !profileId) return;
    await save({
      titleId: id,
      positionSeconds: Math.floor(seen.position),
      durationSeconds: Math.max(1, Math.round(seen.duration)),
      ...(episodeId ? { episodeId } : {}),
    });
  }, [profileId, id, episodeId, save]);

  useEffect(() => {
    setEnded(false);
    last.current = undefined;
    const timer = setInterval(() => {
      if (video.current && !video.current.paused) void report();
    }, PROGRESS_EVERY_MS);
    const onPageHide = () => void report();
    window.addEventListener('pagehide', onPageHide);
    return () => {
      clearInterval(timer);
      window.removeEventListener('pagehide', onPageHide);
      // Continue watching is read again once the last position is saved, not before.
      void report().finally(() => {
        void client.invalidateQueries({ queryKey: [QUERY_ROOTS.continueWatching, profileId] });
        void client.invalidateQueries({ queryKey: [QUERY_ROOTS.browse], refetchType: 'none' });
      });
    };
  }, [report, client, profileId]);

  const keyHelp = usePlayerKeys(video);
  const next = title.data && episodeId ? nextEpisode(title.data, episodeId) : undefined;
  // A title that cannot be read (gone, or never there) has no video to prepare either.
  const failed = grant.error ?? title.error;
  const ready = grant.isSuccess && (saved.isSuccess || explicitStart !== null || !profileId);
  const name = title.data?.name ?? 'Playing';
  const label = title.data && episodeId ? episodeLabel(title.data, episodeId) : '';
  const episode = title.data && episodeId ? episodeTitle(title.data, episodeId) : '';
  const heading = episode ? `${name}: ${episode}` : name;
  return (
    <main className="player-page">
      <title>{`${heading} · Kinema`}</title>
      <p>
        <Link to={`/title/${id}`}>Back to {title.data?.name ?? 'the title'}</Link>
      </p>
      <h1>{heading}</h1>
      <ErrorMessage error={failed} />
      {!ready && !failed && <SkeletonBlock label="Preparing the video" />}
      {ready && (
        <video
          key={grant.data.streamUrl}
          ref={video}
          className="player"
          src={grant.data.streamUrl}
          controls
          autoPlay
          muted
          playsInline
          aria-label={`Video: ${name}${label ? ` ${label}` : ''}`}
          aria-describedby="player-keys"
          onLoadedMetadata={(event) => {
            if (startAt > 0 && startAt < event.currentTarget.duration)
              event.currentTarget.currentTime = startAt;
          }}
          onTimeUpdate={(event) => {
            const element = event.currentTarget;
            if (Number.isFinite(element.duration))
              last.current = { position: element.currentTime, duration: element.duration };
          }}
          onPause={() => void report()}
          onSeeked={() => void report()}
          onEnded={() => {
            void report();
            setEnded(true);
          }}
        />
      )}
      {ended && next && (
        <p className="next-episode">
          <Link
            className="button button--play"
            to={`/watch/${id}?episode=${next.id}`}
            // The person's next move after an episode ends; focus goes there.
            ref={(link) => link?.focus()}
          >
            Next episode: {title.data ? episodeTitle(title.data, next.id) : next.name}
          </Link>
        </p>
      )}
      <p id="player-keys" className="muted player-keys">
        {keyHelp}
      </p>
    </main>
  );
}
