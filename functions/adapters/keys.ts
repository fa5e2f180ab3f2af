/** Item keys of the data table (see table-design.ts for the map). */
export const keys = {
  event: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' }),
  eventCounter: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'COUNTER#EVENT' }),
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
} as const;

export const eventsIndex = { pk: 'EVENTS' } as const;
export const registrationsIndex = (eventId: string) => `EVENT#${eventId}#REGS`;
export const rosterIndex = (eventId: string) => `EVENT#${eventId}#ROSTER`;
