import { createEvent, type EventAttributes } from 'ics';

export interface IcsSession {
  id: number;
  title: string;
  summary: string;
  startsAt: Date;
  endsAt: Date;
  location: string;
  online: boolean;
  sequence: number;
  cancelled: boolean;
  url: string;
  host: string;
}

const parts = (d: Date): [number, number, number, number, number] => [
  d.getUTCFullYear(),
  d.getUTCMonth() + 1,
  d.getUTCDate(),
  d.getUTCHours(),
  d.getUTCMinutes(),
];

/** One VEVENT per session with a stable UID; SEQUENCE follows every change, STATUS:CANCELLED when called off. */
export function sessionEvent(s: IcsSession): EventAttributes {
  return {
    uid: `sessie-${s.id}@${s.host}`,
    sequence: s.sequence,
    title: s.title,
    description: `${s.summary}\n\n${s.url}`,
    location: s.online ? `Online: ${s.location}` : s.location,
    url: s.url,
    start: parts(s.startsAt),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: parts(s.endsAt),
    endInputType: 'utc',
    endOutputType: 'utc',
    status: s.cancelled ? 'CANCELLED' : 'CONFIRMED',
    productId: 'hechtwerk/trainingen',
    calName: 'Hechtwerk trainingen',
  };
}

export function sessionIcs(s: IcsSession, method: 'PUBLISH' | 'REQUEST' | 'CANCEL' = 'PUBLISH'): string {
  const { error, value } = createEvent({ ...sessionEvent(s), method });
  if (error || !value) throw error ?? new Error('ics failed');
  return value;
}
