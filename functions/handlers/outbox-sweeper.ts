/**
 * The sweeper (every minute, EventBridge; locally a timer): delivers outbox items whose next
 * attempt is due, which is how a failed send is retried with backoff; finishes promotions owed by
 * a change too large for its own request (seat-changes.ts); then moves the data expiry of events
 * whose dates or retention changed (expiry-store.ts), and fans owed change notices out to one
 * email per registrant (change-notice-store.ts), each within its own time.
 */
import type { Context } from 'aws-lambda';
import { eventStore } from '#adapters/event-store';
import { fanOutChangeNotices } from '#adapters/change-notice-store';
import { moveExpiries } from '#adapters/expiry-store';
import { outboxStore } from '#adapters/outbox-store';
import { registrationStore } from '#adapters/registration-store';
import { seatStore } from '#adapters/seat-store';
import { finishOwedPromotions } from '#domain/seat-changes';
import { sweepMeetings } from '#domain/meeting-use-cases';
import { meetingPorts } from '#http/meetings';
import { requireConfigFor } from '#config';
import { useLambdaContext } from '#http/log';
import { deliver } from '#mail/deliver';
import { deliveryPorts } from '#mail/ports';
import { count, publishCounted } from '#http/metrics';
import { workerOfHandler } from '#routes';

requireConfigFor(workerOfHandler('outbox-sweeper'));

// Built by the first invocation, not at cold start (it reads the configuration).
let ports: ReturnType<typeof deliveryPorts> | undefined;
const stores = { events: eventStore, registrations: registrationStore, seats: seatStore };

/** Kept back from the function's time when moving expiries: the page in flight and the progress write. */
const MARGIN_MS = 3_000;

export const handler = async (
  _event?: unknown,
  context?: Context,
): Promise<{
  attempted: number;
  sent: number;
  failed: number;
  promoted: number;
  expiryMoves: number;
  meetingCascades: number;
  meetingsSettled: number;
  noticesOwed: number;
}> => {
  useLambdaContext(context);
  const remaining = context?.getRemainingTimeInMillis?.();
  const deadline = Date.now() + (remaining ?? Infinity);
  const until = Date.now() + (remaining ?? 10_000) - MARGIN_MS;
  // Owed promotions first: their emails are then owed too, and delivered from the stream.
  const promoted = await finishOwedPromotions(stores, { deadline });
  // Owed change notices: one outbox item per active registrant, in pages (the stream mails them).
  // Half the time left at most, so the due emails below still get theirs.
  const notices = await fanOutChangeNotices(new Date(), Date.now() + Math.max(0, until - Date.now()) / 2);
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
  // Meetings: cascades owed by cancelled registrations, then expiries and no-shows that are due.
  const meetings = await sweepMeetings(meetingPorts, until);
  // Owed expiry moves (an event's dates or retention changed), in pages, resumed next time.
  const moves = await moveExpiries(new Date(), until);
  publishCounted();
  return {
    attempted: due.length,
    sent,
    failed,
    promoted,
    expiryMoves: moves.moves,
    meetingCascades: meetings.cascades,
    meetingsSettled: meetings.settled,
    noticesOwed: notices.emailsOwed,
  };
};
