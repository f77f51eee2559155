import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import type { attendanceProofs } from '../db/schema.ts';
import { registerName } from './accreditation.ts';
import { formatDay } from './format.ts';

type Proof = typeof attendanceProofs.$inferSelect;

/**
 * An A4 certificate from the proof of attendance: name, training, date, hours, and for a register
 * its name, the points and the accreditation id; with the code anyone can check at verifyUrl.
 */
export async function certificatePdf(proof: Proof, verifyUrl: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Certificaat ${proof.trainingTitle}`);
  doc.setAuthor('Hechtwerk');
  doc.setSubject(`Deelname van ${proof.name}`);
  doc.setCreationDate(proof.issuedAt);
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
  center(proof.name, 580, 26, bold);
  center('heeft deelgenomen aan de training', 540, 14);
  center(proof.trainingTitle, 500, 20, bold);
  center(`op ${formatDay(proof.sessionDate)}`, 460, 14);
  center(`Duur: ${proof.hours} uur`, 430, 14);
  if (proof.register && proof.points) {
    center(`${registerName(proof.register)}: ${proof.points} ${proof.points === 1 ? 'punt' : 'punten'}`, 395, 14, bold);
    if (proof.registerNumber) center(`Registratienummer: ${proof.registerNumber}`, 372, 12);
    if (proof.accreditationId) center(`Accreditatienummer: ${proof.accreditationId}`, 352, 12);
  }
  center(`Controlecode: ${proof.code}`, 200, 14, bold);
  center(`Controleer dit certificaat op ${verifyUrl}`, 178, 10);
  center('Hechtwerk – Regionale Aanpak Kindermishandeling', 120, 12, bold);
  return doc.save({ useObjectStreams: false });
}
