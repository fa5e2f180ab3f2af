/** Wall-clock time in a time zone, from Intl (pure: no library, no node module). */

/**
 * The local date and time of `instant` in `timeZone`, each field two digits (the year four), and
 * the zone's offset as Intl names it (`GMT+09:00`, or `GMT` at zero).
 */
export function zonedParts(instant: Date, timeZone: string): Record<string, string> {
  return Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
}
