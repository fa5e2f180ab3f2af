/** What the pages read from the API (API.md): the public event view and a registration. */
import type { FormField } from '#domain/event';

export type { FormField };
export type Localized = { ko: string; en: string };

export interface EventSession {
  id: string;
  name: Localized;
  startsAt: string;
  endsAt: string;
  capacity: number;
  seatsLeft: number;
}

export interface PublicEvent {
  id: string;
  name: Localized;
  description: Localized | null;
  venue: string;
  timezone: string;
  startsAt: string;
  endsAt: string;
  registration: { opensAt: string; closesAt: string; waitlist: boolean; approval?: boolean };
  capacity: number;
  seatsLeft: number;
  sessions: EventSession[];
  fields: FormField[];
  /** The B2B meetings programme (API.md "B2B meetings"), null or absent without one. */
  meetings?: MeetingSettings | null;
}

export interface MeetingSettings {
  blocks: { startsAt: string; endsAt: string }[];
  slotMinutes: number;
  tables: string[];
  maxPerParticipant: number;
  requestHours: number;
}

export type RegistrationStatus = 'confirmed' | 'waitlisted' | 'cancelled' | 'pending' | 'denied';

export interface Registration {
  id: string;
  eventId: string;
  status: RegistrationStatus;
  email: string;
  name: string;
  organization: string | null;
  jobTitle: string | null;
  locale: 'ko' | 'en';
  sessions: { id: string; status: string }[];
  answers: Record<string, unknown>;
  createdAt: string;
  checkedInAt: string | null;
  /** Approval: the admin's reason, on a denied registration (null without one). */
  denialReason?: string | null;
  manageToken?: string;
  badge: { token: string; svgUrl: string; pngUrl: string; pdfUrl: string } | null;
  /** The passes this deployment offers for this badge (null: none, or no badge yet). */
  wallet?: { appleUrl: string | null; googleUrl: string | null } | null;
}
