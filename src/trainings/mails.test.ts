import { describe, expect, it } from 'vitest';
import { addressee, type MailSession, mails } from './mails.ts';

const session: MailSession = {
  title: 'Hechting voor professionals',
  startsAt: new Date('2027-01-12T08:30:00Z'),
  endsAt: new Date('2027-01-12T11:30:00Z'),
  location: 'Wijkcentrum De Boog, Voorbeeldstad',
  online: false,
  contact: 'trainingen@hechtwerk.example',
};

describe('mails to a registrant', () => {
  it('name their registration, also those without a personal link, so the registrant’s download and deletion find them', () => {
    const to = addressee({ id: 7, email: 'a@example.org', name: 'Anna' });
    const built = [
      mails.cancelled(to, session),
      mails.sessionCancelled(to, session, 'BEGIN:VCALENDAR'),
      mails.message(to, session, 'Lokaal gewijzigd', 'We zitten in zaal 3.'),
      mails.offer(to, session, 'https://hechtwerk.example/trainingen/aanmelding/{link:manage:7:0}', new Date('2027-01-10T12:00:00Z')),
    ];
    for (const m of built) expect(m).toMatchObject({ to: 'a@example.org', registrationId: 7 });
    expect(built[2]?.text).toContain('Hallo Anna,');
  });

  it('leave the registration to the statement that stores it with its first mail (id 0)', () => {
    const m = mails.confirmRequest(
      { id: 0, email: 'b@example.org', name: 'Bram' },
      session,
      'https://x/{link:confirm:0:0}',
      'https://x/{link:manage:0:0}',
      null,
    );
    expect(m.registrationId).toBeUndefined();
    expect(m.to).toBe('b@example.org');
  });
});
