/** Item keys of the data table (see table-design.ts for the map). */
export const keys = {
  event: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' }),
  eventCounter: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'COUNTER#EVENT' }),
  /** Set while promotions are owed (seats free while people wait), in the event's partition so its read sees it. */
  owedPromotions: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'OWED#PROMOTIONS' }),
  sessionCounter: (eventId: string, sessionId: string) => ({ pk: `EVENT#${eventId}`, sk: `COUNTER#SESSION#${sessionId}` }),
  emailGuard: (eventId: string, hash: string) => ({ pk: `EVENT#${eventId}#EMAIL#${hash}`, sk: 'EMAIL' }),
  registration: (eventId: string, registrationId: string) => ({ pk: `EVENT#${eventId}#REG#${registrationId}`, sk: 'REG' }),
  eventLine: (eventId: string, arrival: string, registrationId: string) => ({
    pk: `EVENT#${eventId}#LINE#EVENT`,
    sk: `${arrival}#${registrationId}`,
  }),
  sessionLine: (eventId: string, sessionId: string, arrival: string, registrationId: string) => ({
    pk: `EVENT#${eventId}#LINE#SESSION#${sessionId}`,
    sk: `${arrival}#${registrationId}`,
  }),
  /** Check-in counts, sharded over partitions so an entrance rush spreads its writes. */
  checkinShard: (eventId: string, shard: number) => ({ pk: `EVENT#${eventId}#CHECKINS#${shard}`, sk: 'COUNTER' }),
  /** One item per (registration, place): the first scan's time wins by a conditional write. */
  checkin: (eventId: string, registrationId: string, place: string) => ({ pk: `EVENT#${eventId}#REG#${registrationId}`, sk: `CHECKIN#${place}` }),
  resendLimit: (eventId: string, hash: string) => ({ pk: `EVENT#${eventId}#RESEND#${hash}`, sk: 'RESEND' }),
  /** An Idempotency-Key's record, by the key's hash (a key may hold any characters). */
  keyedRequest: (eventId: string, hash: string) => ({ pk: `EVENT#${eventId}#KEY#${hash}`, sk: 'KEY' }),
} as const;

export const CHECKIN_SHARDS = 10;

export const eventsIndex = { pk: 'EVENTS' } as const;
/** gsi1 partition of the owed-promotions markers: the sweeper finds owed work without a scan. */
export const owedPromotionsIndex = 'PROMOTIONS#OWED';
export const registrationsIndex = (eventId: string) => `EVENT#${eventId}#REGS`;
export const rosterIndex = (eventId: string) => `EVENT#${eventId}#ROSTER`;
export const statusIndex = (eventId: string, status: string) => `EVENT#${eventId}#STATUS#${status}`;
export const nameIndex = (eventId: string) => `EVENT#${eventId}#NAME`;
export const emailIndex = (eventId: string) => `EVENT#${eventId}#EMAIL`;
