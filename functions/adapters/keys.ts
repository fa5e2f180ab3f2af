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
  checkin: (eventId: string, registrationId: string, place: string) => ({
    pk: `EVENT#${eventId}#REG#${registrationId}`,
    sk: `CHECKIN#${place}`,
  }),
  /** A person's presence counters: every scan and every change moves them (the judging condition). */
  presence: (eventId: string, registrationId: string) => ({ pk: `EVENT#${eventId}#REG#${registrationId}`, sk: 'PRESENCE' }),
  resendLimit: (eventId: string, hash: string) => ({ pk: `EVENT#${eventId}#RESEND#${hash}`, sk: 'RESEND' }),
  /** An Idempotency-Key's record, by the key's hash (a key may hold any characters). */
  keyedRequest: (eventId: string, hash: string) => ({ pk: `EVENT#${eventId}#KEY#${hash}`, sk: 'KEY' }),
  /** A door scanner of the event: its own partition, so the event's partition Query never reads devices. */
  device: (eventId: string, deviceId: string) => ({ pk: `EVENT#${eventId}#DEVICES`, sk: `DEVICE#${deviceId}` }),
  /** A pending pairing code, by its hash (deleted when used). */
  pairing: (hash: string) => ({ pk: `PAIRING#${hash}`, sk: 'PAIRING' }),
  /** A device token, by its hash: all the auth middleware needs, in one read. */
  deviceToken: (hash: string) => ({ pk: `DEVICETOKEN#${hash}`, sk: 'DEVICETOKEN' }),
  /** Pairing attempts of one client address in one minute. */
  pairingLimit: (addressHash: string, minute: number) => ({ pk: `PAIRLIMIT#${addressHash}`, sk: `MINUTE#${minute}` }),
  /**
   * Every scan of a registration at a place (entries, exits, refusals), time-ordered: the check-in
   * item keeps only the first entry; presence is folded from this log.
   */
  scan: (eventId: string, registrationId: string, place: string, at: string, scanKey: string) => ({
    pk: `EVENT#${eventId}#REG#${registrationId}`,
    sk: `SCAN#${place}#${at}#${scanKey}`,
  }),
  /**
   * Entries and exits of one 5-minute bucket (its start, UTC) on one count shard, every place's
   * on the item: the event's timeline is one Query of this partition, bucket by bucket.
   */
  timelineBucket: (eventId: string, bucket: string, shard: number) => ({ pk: `EVENT#${eventId}#TIMELINE`, sk: `${bucket}#${shard}` }),
  /** A (registration, place) that two devices admitted: what GET …/checkins/duplicates lists. */
  duplicate: (eventId: string, place: string, registrationId: string) => ({
    pk: `EVENT#${eventId}#DUPLICATES`,
    sk: `${place}#${registrationId}`,
  }),
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
/** A person's meetings: gsi4 holds them by requester, gsi5 by invitee (meeting-store.ts). */
export const meetingsWithIndex = (eventId: string, registrationId: string) => `EVENT#${eventId}#MEETWITH#${registrationId}`;
