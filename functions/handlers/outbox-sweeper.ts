/**
 * The sweeper (every minute, EventBridge; locally a timer): delivers outbox items whose next
 * attempt is due, which is how a failed send is retried with backoff; then it moves the data expiry
 * of events whose dates or retention changed (expiry-store.ts).
 */
import { moveExpiries } from '#adapters/expiry-store';
import { outboxStore } from '#adapters/outbox-store';
import { deliver } from '#mail/deliver';
import { deliveryPorts } from '#mail/ports';
import { count, publishCounted } from '#http/metrics';

// Built by the first invocation, not at cold start (it reads the configuration).
let ports: ReturnType<typeof deliveryPorts> | undefined;

/** Kept back from the function's time when moving expiries: the page in flight and the progress write. */
const MARGIN_MS = 3_000;

export const handler = async (_event?: unknown, context?: { getRemainingTimeInMillis?(): number }): Promise<{ attempted: number; sent: number; failed: number; expiryMoves: number }> => {
  const until = Date.now() + (context?.getRemainingTimeInMillis?.() ?? 10_000) - MARGIN_MS;
  ports ??= deliveryPorts();
  const due = await outboxStore.due(new Date());
  let sent = 0;
  let failed = 0;
  for (const item of due) {
    const outcome = await deliver(ports, item.id);
    if (outcome === 'sent') sent++;
    if (outcome === 'failed') failed++;
  }
  if (sent) count('EmailsSent', sent);
  if (failed) count('EmailsFailed', failed);
  // Owed expiry moves (an event's dates or retention changed), in pages, resumed next time.
  const moves = await moveExpiries(new Date(), until);
  publishCounted();
  return { attempted: due.length, sent, failed, expiryMoves: moves.moves };
};
