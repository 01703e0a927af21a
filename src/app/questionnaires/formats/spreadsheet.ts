import ExcelJS from 'exceljs';

/**
 * Reading and writing .xlsx workbooks in memory (exceljs over a Buffer, no temporary
 * files), as plain rows of text keyed by their column heading. The converters beside this
 * file work on these rows, so they never touch the library.
 */

/** Uploads larger than this are refused (413) before they are unzipped. */
export const MAX_SPREADSHEET_BYTES = 2 * 1024 * 1024;
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
