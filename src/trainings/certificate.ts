import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import { formatDay } from './format.ts';
import type { Session, Training } from './service.ts';

/** An A4 certificate: name, training, date, hours, network. */
export async function certificatePdf(input: { name: string; training: Training; session: Session }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Certificaat ${input.training.title}`);
  doc.setAuthor('Hechtwerk');
  doc.setSubject(`Deelname van ${input.name}`);
  doc.setCreationDate(input.session.endsAt);
  const page = doc.addPage([595.28, 841.89]);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const green = rgb(0.12, 0.31, 0.29);
  const center = (text: string, y: number, size: number, font = regular) => {
    const width = font.widthOfTextAtSize(text, size);
    page.drawText(text, { x: (595.28 - width) / 2, y, size, font, color: green });
  };
  page.drawRectangle({ x: 30, y: 30, width: 535.28, height: 781.89, borderColor: green, borderWidth: 3 });
  center('Certificaat van deelname', 700, 30, bold);
  center('Hierbij verklaren wij dat', 620, 14);
  center(input.name, 580, 26, bold);
  center('heeft deelgenomen aan de training', 540, 14);
  center(input.training.title, 500, 20, bold);
  center(`op ${formatDay(input.session.startsAt)}`, 460, 14);
  center(`Duur: ${input.training.durationHours} ${input.training.durationHours === 1 ? 'uur' : 'uur'}`, 430, 14);
  if (input.training.accreditation) center(input.training.accreditation, 400, 12);
  center('Hechtwerk – Regionale Aanpak Kindermishandeling', 120, 12, bold);
  return doc.save({ useObjectStreams: false });
}
