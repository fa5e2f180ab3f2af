/**
 * The time the meeting rules judge by (expiry, no-show, bookable slots). Deployed it is the
 * system clock; the local stack may move it forward (`moveMeetingClock`), so a no-show ten
 * minutes into a slot can be seen without waiting.
 */
let offsetMs = 0;

export const meetingClock = { now: () => new Date(Date.now() + offsetMs) };

/** Only the local stack calls this. */
export function moveMeetingClock(ms: number): void {
  offsetMs = ms;
}
