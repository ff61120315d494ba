import { OPS_PATHS, type GatewayEventsReadiness } from '@kinema/contracts/supervision';
import { waitFor } from './wait-for';

/**
 * Resolves once the gateway's readiness says both its event consumers have joined their groups:
 * the serving feed (notifications) and the cache's invalidation thread (`off` with the cache
 * off). A replica serves, and is ready, before they have: an event written earlier may go unseen,
 * and the thread's heap grows as it joins.
 */
export async function gatewayEventsJoined(gatewayUrl: string): Promise<void> {
  let events: GatewayEventsReadiness | undefined;
  await waitFor(
    async () => {
      const ready = (await (await fetch(`${gatewayUrl}${OPS_PATHS.readiness}`)).json()) as {
        details: { lifecycle: { events?: GatewayEventsReadiness } };
      };
      events = ready.details.lifecycle.events;
      return events?.feed === 'joined' && events.invalidationThread !== 'joining';
    },
    "the gateway's event consumers to join their groups",
    { intervalMs: 100, describe: () => events },
  );
}
