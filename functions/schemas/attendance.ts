import * as z from 'zod/mini';
import { dateTime } from '#schemas/common';

const count = z.int().check(z.minimum(0));

export const attendanceOutput = z.object({
  eventId: z.string(),
  capacity: count,
  confirmed: count,
  waitlisted: count,
  cancelled: count,
  checkedIn: count,
  sessions: z.array(z.object({ id: z.string(), capacity: count, confirmed: count, waitlisted: count, checkedIn: count })),
  asOf: dateTime,
});
