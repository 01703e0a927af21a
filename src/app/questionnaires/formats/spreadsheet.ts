import ExcelJS from 'exceljs';

/**
 * Reading and writing .xlsx workbooks in memory (exceljs over a Buffer, no temporary
 * files), as plain rows of text keyed by their column heading. The converters beside this
 * file work on these rows, so they never touch the library.
 */

/** Uploads larger than this are refused (413) before they are unzipped. */
export const MAX_SPREADSHEET_BYTES = 2 * 1024 * 1024;
/** What a workbook may unzip to: a 2 MB file that claims more is a zip bomb, not a questionnaire. */
export const MAX_UNZIPPED_BYTES = 40 * 1024 * 1024;
/** A questionnaire has at most 8 questions; a sheet far longer than that is not one of ours. */
export const MAX_SHEET_ROWS = 5000;

/** A problem in an uploaded file, located as a spreadsheet user finds it. */
export type RowError = { sheet: string; row: number; column: string; message: string };

/** "survey row 7, column type: ..." */
export function describeRowError(e: RowError): string {
  return `${e.sheet} row ${e.row}${e.column ? `, column ${e.column}` : ''}: ${e.message}`;
}

export type SheetRow = { row: number; cells: Record<string, string> };
export type Sheet = { name: string; columns: string[]; rows: SheetRow[] };
export type Workbook = Map<string, Sheet>;

export type SheetOut = { name: string; columns: string[]; rows: string[][] };

export async function writeWorkbook(sheets: SheetOut[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'citizen-report-card';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    ws.addRow(s.columns);
    ws.getRow(1).font = { bold: true };
    for (const r of s.rows) ws.addRow(r);
    ws.columns.forEach((c) => {
      c.width = 24;
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export type ReadResult = { ok: true; workbook: Workbook } | { ok: false; message: string };

/** Reads every sheet: row 1 holds the headings (trimmed, lower-cased); empty rows are skipped. */
export async function readWorkbook(data: Buffer): Promise<ReadResult> {
  if (data.length > MAX_SPREADSHEET_BYTES) return { ok: false, message: `the file is larger than ${MAX_SPREADSHEET_BYTES / 1024 / 1024} MB` };
  const unzipped = declaredUnzippedSize(data);
  if (unzipped === null) return { ok: false, message: 'the file is not an Excel workbook (.xlsx); save it as .xlsx and upload it again' };
  if (unzipped > MAX_UNZIPPED_BYTES) return { ok: false, message: `the file unpacks to more than ${MAX_UNZIPPED_BYTES / 1024 / 1024} MB, far more than a questionnaire needs` };
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    return { ok: false, message: 'the file is not an Excel workbook (.xlsx); save it as .xlsx and upload it again' };
  }
  const out: Workbook = new Map();
  for (const ws of wb.worksheets) {
    if (ws.rowCount > MAX_SHEET_ROWS) return { ok: false, message: `sheet "${ws.name}" has ${ws.rowCount} rows; at most ${MAX_SHEET_ROWS} are read` };
    const columns: string[] = [];
    ws.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
      columns[col - 1] = cell.text.trim().toLowerCase();
    });
    const rows: SheetRow[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (rowNumber === 1) return;
      const cells: Record<string, string> = {};
      let any = false;
      columns.forEach((name, i) => {
        if (!name) return;
        const text = row.getCell(i + 1).text.trim();
        if (text) any = true;
        cells[name] = text;
      });
      if (any) rows.push({ row: rowNumber, cells });
    });
    out.set(ws.name.trim().toLowerCase(), { name: ws.name.trim().toLowerCase(), columns: columns.filter(Boolean), rows });
  }
  return { ok: true, workbook: out };
}

/**
 * The total size a zip archive (an .xlsx is one) says its files unpack to, read from its
 * central directory before anything is unpacked; null when it is not a zip. ZIP64
 * archives, which only very large files need, count as too large.
 */
export function declaredUnzippedSize(data: Buffer): number | null {
  const END = 0x06054b50;
  const ENTRY = 0x02014b50;
  // the end record is in the last 22 bytes plus a comment of at most 65535
  let end = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === END) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const entries = data.readUInt16LE(end + 10);
  let at = data.readUInt32LE(end + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== ENTRY) return null;
    const size = data.readUInt32LE(at + 24);
    if (size === 0xffffffff) return Number.POSITIVE_INFINITY;
    total += size;
    at += 46 + data.readUInt16LE(at + 28) + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
  }
  return total;
}
