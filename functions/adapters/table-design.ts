/**
 * Key design of Gatepass's tables, as plain data: the CDK stack and the local stack both build
 * their tables from it, so the two cannot drift.
 *
 * Data table items (pk / sk):
 * - event              EVENT#<eventId> / EVENT             (gsi1: EVENTS / <createdAt>#<eventId>)
 * - event seat counter EVENT#<eventId> / COUNTER#EVENT
 * - session counter    EVENT#<eventId> / COUNTER#SESSION#<sessionId>
 * - owed promotions    EVENT#<eventId> / OWED#PROMOTIONS    (gsi1: PROMOTIONS#OWED / <since>#<eventId>)
 * - email guard        EVENT#<eventId>#EMAIL#<sha256(normalised email)> / EMAIL
 * - registration       EVENT#<eventId>#REG#<registrationId> / REG
 *                      (gsi1: EVENT#<eventId>#REGS / <createdAt>#<registrationId>, oldest first)
 *                      (gsi2: EVENT#<eventId>#ROSTER / <updatedAt>#<registrationId>, offline sync)
 *                      (gsi3: EVENT#<eventId>#STATUS#<status> / <createdAt>#<registrationId>, status filter)
 *                      (gsi4: EVENT#<eventId>#NAME / <folded name>#<registrationId>, `q` prefix search)
 *                      (gsi5: EVENT#<eventId>#EMAIL / <normalised email>#<registrationId>, `q` prefix search)
 * - waitlist line      EVENT#<eventId>#LINE#EVENT or #LINE#SESSION#<sessionId> / <arrival>#<registrationId>
 * - email cap          EVENT#<eventId>#MAILCAP#<sha256(normalised email)> / MAILCAP (counted sends, 24 h)
 * - expiry move        EXPIRY#<eventId> / EXPIRY (gsi1: EXPIRY#PENDING / <startedAt>#<eventId>), owed by a PATCH
 * - presence         EVENT#<eventId>#REG#<registrationId> / PRESENCE  (changed, scans: what a scan was judged under)
 * - scan log           EVENT#<eventId>#REG#<registrationId> / SCAN#<place>#<scannedAt>#<hash(device, scanId)>
 * - timeline bucket    EVENT#<eventId>#TIMELINE / <bucket start>#<shard>   (entries and exits per place)
 * - device             EVENT#<eventId>#DEVICES / DEVICE#<deviceId>
 * - pairing code       PAIRING#<sha256(code)> / PAIRING                 (deleted when used; TTL)
 * - device token       DEVICETOKEN#<sha256(token)> / DEVICETOKEN        (read on every device request)
 * - pairing attempts   PAIRLIMIT#<hmac(client address)> / MINUTE#<epoch minute>   (TTL)
 * - offline duplicate  EVENT#<eventId>#DUPLICATES / <place>#<registrationId>
 * - meetings (adapters/meeting-store.ts): meeting EVENT#<e>#MEETING#<id> / MEETING (gsi1 the
 *   event's schedule, gsi2 MEETINGS#DUE by when time changes it, gsi3 by status, gsi4/gsi5 each
 *   side's); profile EVENT#<e>#REG#<r> / MEETPROFILE (and MEETPROFILE#ORG; gsi1 MEETDIR prefix
 *   search, gsi2 MEETNAMES); person-slot EVENT#<e>#REG#<r> / MEETSLOT#<slot>; load / MEETLOAD;
 *   table-slot EVENT#<e>#MEETTABLE#<slot>#<table> / TABLESLOT; occupancy EVENT#<e>#MEETSLOTS / <slot>;
 *   pair EVENT#<e>#MEETPAIR#<a>#<b> / PAIR; counts EVENT#<e> / COUNTER#MEETINGS; owed cascade
 *   MEETOWED#<e>#<r> / MEETOWED (gsi1 MEETINGS#OWED)
 * An event's own partition holds the event and its counters, so one Query reads an event page
 * or an attendance summary whatever the number of registrations.
 */
export interface TableIndex {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export const dataTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLive: 'expiresAt',
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
    { name: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk' },
  ] as readonly TableIndex[],
} as const;
