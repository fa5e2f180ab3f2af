/**
 * Seeds the reference forum (Gwangju, 2023) with its dates shifted so that registration is open
 * now, under a fixed id so a persisted stack is seeded once, plus its sample participants.
 */
import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { newEvent, type StoredEvent } from '#domain/event';
import { register } from '#domain/use-cases';
import { eventInput } from '#schemas/event';
import { registrationInput } from '#schemas/registration';
import forum from './forum-2023.json' with { type: 'json' };

export const demoEventId = 'gwangju-2023';
const DAY = 86_400_000;

function shift(value: unknown, by: number): unknown {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const shifted = new Date(Date.parse(value) + by);
    // Keep the forum's own offset (+09:00) so the dates read as Gwangju time.
    const local = new Date(shifted.getTime() + 9 * 3600_000).toISOString().slice(0, 19);
    return `${local}+09:00`;
  }
  if (Array.isArray(value)) return value.map((v) => shift(v, by));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shift(v, by)]));
  return value;
}

export async function seedDemoForum(now = new Date()): Promise<{ event: StoredEvent; created: boolean }> {
  const existing = await eventStore.read(demoEventId);
  if (existing) return { event: existing.event, created: false };
  // Whole days, so the programme keeps its times of day; registration opened within the last day.
  const by = Math.floor((now.getTime() - Date.parse(forum.event.registration.opensAt)) / DAY) * DAY;
  const input = eventInput().parse(shift(forum.event, by));
  const event = newEvent(demoEventId, input, now);
  await eventStore.create(event);
  const orgs = forum.organisations;
  const sessionsFor = [['opening', 'bio'], ['opening', 'energy'], ['mobility'], ['opening', 'b2b', 'networking'], ['energy', 'networking']];
  for (const [i, p] of forum.sampleParticipants.entries()) {
    const org = orgs[i % orgs.length]!;
    await register(eventStore, registrationStore, demoEventId, (e) =>
      registrationInput(e).parse({
        email: p.email,
        name: p.name,
        organization: p.locale === 'en' && org.nameEn ? org.nameEn : org.name,
        locale: p.locale,
        sessions: sessionsFor[i % sessionsFor.length],
        answers: { participantType: org.participantType, country: org.country },
        consent: { privacy: true },
      }),
    );
  }
  return { event, created: true };
}
