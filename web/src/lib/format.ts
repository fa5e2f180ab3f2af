/** Dates in the event's own timezone, in the page's language. */
export function when(startsAt: string, endsAt: string, timeZone: string, lang: string): string {
  const day = new Intl.DateTimeFormat(lang, { timeZone, dateStyle: 'full' });
  const time = new Intl.DateTimeFormat(lang, { timeZone, timeStyle: 'short' });
  const zone = new Intl.DateTimeFormat(lang, { timeZone, timeZoneName: 'short' })
    .formatToParts(new Date(startsAt))
    .find((p) => p.type === 'timeZoneName')?.value;
  const [s, e] = [new Date(startsAt), new Date(endsAt)];
  const sameDay = day.format(s) === day.format(e);
  const range = sameDay
    ? `${day.format(s)} ${time.format(s)}–${time.format(e)}`
    : `${day.format(s)} ${time.format(s)} – ${day.format(e)} ${time.format(e)}`;
  return zone ? `${range} (${zone})` : range;
}

export function timeRange(startsAt: string, endsAt: string, timeZone: string, lang: string): string {
  const time = new Intl.DateTimeFormat(lang, { timeZone, timeStyle: 'short' });
  return `${time.format(new Date(startsAt))}–${time.format(new Date(endsAt))}`;
}

export function dateTime(at: string, timeZone: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, { timeZone, dateStyle: 'long', timeStyle: 'short' }).format(new Date(at));
}
