import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, data } from '../api/client';
import { continueWatchingQuery, titleQuery } from '../api/queries';
import { useSession } from '../auth/use-session';
import { ErrorMessage, SkeletonBlock } from '../ui/feedback';

/** How often progress is saved while the video plays (and on pause, seek and leaving). */
const PROGRESS_EVERY_MS = 10_000;

export function PlayerPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const episodeId = params.get('episode') ?? undefined;
  const session = useSession();
  const profileId = session?.profile?.id ?? '';
  const client = useQueryClient();
  const video = useRef<HTMLVideoElement>(null);
  // React detaches the element before the leave cleanup runs; the last position it showed is kept.
  const last = useRef<{ position: number; duration: number } | undefined>(undefined);
  const title = useQuery(titleQuery(id));
  const saved = useQuery({ ...continueWatchingQuery(profileId), enabled: !!profileId });
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
    enabled: !!profileId,
    staleTime: Infinity,
    gcTime: 0,
  });

  const explicitStart = params.get('t');
  const savedItem = saved.data?.items.find(
    (item) => item.title.id === id && (item.episodeId ?? undefined) === episodeId,
  );
  const startAt =
    explicitStart !== null ? Number(explicitStart) : (savedItem?.positionSeconds ?? 0);

  const report = useCallback(async (): Promise<void> => {
    const element = video.current;
    if (element && Number.isFinite(element.duration))
      last.current = { position: element.currentTime, duration: element.duration };
    const seen = last.current;
    if (!seen || !profileId) return;
    await api.PUT('/api/v1/me/profiles/{profileId}/progress/{titleId}', {
      params: { path: { profileId, titleId: id } },
      body: {
        positionSeconds: Math.floor(seen.position),
        durationSeconds: Math.max(1, Math.round(seen.duration)),
        ...(episodeId ? { episodeId } : {}),
      },
      // Still sent when the tab is closing.
      keepalive: true,
    });
  }, [profileId, id, episodeId]);

  useEffect(() => {
    const timer = setInterval(() => {
      if (video.current && !video.current.paused) void report();
    }, PROGRESS_EVERY_MS);
    const onPageHide = () => void report();
    window.addEventListener('pagehide', onPageHide);
    return () => {
      clearInterval(timer);
      window.removeEventListener('pagehide', onPageHide);
      // Continue watching is read again once the last position is saved, not before.
      void report().finally(() =>
        client.invalidateQueries({ queryKey: ['continue-watching', profileId] }),
      );
    };
  }, [report, client, profileId]);

  const ready = grant.isSuccess && (saved.isSuccess || explicitStart !== null || !profileId);
  return (
    <main className="player-page">
      <p>
        <Link to={`/title/${id}`}>Back to {title.data?.name ?? 'the title'}</Link>
      </p>
      <h1>{title.data?.name ?? 'Playing'}</h1>
      <ErrorMessage error={grant.error ?? title.error} />
      {!ready && !grant.isError && <SkeletonBlock label="Preparing the video" />}
      {ready && (
        <video
          ref={video}
          className="player"
          src={grant.data.streamUrl}
          controls
          autoPlay
          muted
          playsInline
          aria-label={`Video: ${title.data?.name ?? 'title'}`}
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
        />
      )}
    </main>
  );
}
