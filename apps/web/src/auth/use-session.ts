import { useSyncExternalStore } from 'react';
import { sessionStore, type Session } from './session';

export function useSession(): Session | null {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get, sessionStore.get);
}

/** Whether this tab waits to resume its session until the API can answer (sessionStore.resuming). */
export function useResuming(): boolean {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.resuming, sessionStore.resuming);
}
