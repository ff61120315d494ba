import { useEffect, type RefObject } from 'react';

/** How far the arrow keys seek. */
const SEEK_SECONDS = 10;

/** Elements where a key means typing or pressing that element, not controlling the video. */
function ownsKeys(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    target.closest('input, textarea, select, button, a, [contenteditable="true"]') !== null
  );
}

/**
 * The player's keyboard shortcuts, as video sites have them: space plays or pauses, the arrows
 * seek 10 s, f toggles full screen, m mutes. They act wherever focus is on the page except in
 * a control that uses the key itself. Returns the line that tells a person so.
 */
export function usePlayerKeys(video: RefObject<HTMLVideoElement | null>): string {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const element = video.current;
      if (!element || event.altKey || event.ctrlKey || event.metaKey || ownsKeys(event.target))
        return;
      const actions: Record<string, () => void> = {
        ' ': () => void (element.paused ? element.play() : element.pause()),
        ArrowRight: () => {
          element.currentTime = Math.min(element.duration || 0, element.currentTime + SEEK_SECONDS);
        },
        ArrowLeft: () => {
          element.currentTime = Math.max(0, element.currentTime - SEEK_SECONDS);
        },
        f: () =>
          void (document.fullscreenElement
            ? document.exitFullscreen()
            : element.requestFullscreen()),
        m: () => {
          element.muted = !element.muted;
        },
      };
      const action = actions[event.key.length === 1 ? event.key.toLowerCase() : event.key];
      if (!action) return;
      event.preventDefault();
      action();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [video]);
  return `Keys: space plays or pauses, ← and → go back or forward ${SEEK_SECONDS} seconds, f full screen, m sound on or off.`;
}
