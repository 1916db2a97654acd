/**
 * A minimal, dependency-free reader of the first worksheets of an .xlsx file (Office Open XML): the zip container
 * is read with node:zlib, the sheet XML with regular expressions. Enough for the plain tabular workbooks the
 * project derives its factor tables from (EIA-861 Utility_Data, eGRID data workbooks); not a general parser
 * (no formulas are evaluated: a cell's cached value is read; dates stay serial numbers).
 */
import fs from "node:fs";
import zlib from "node:zlib";

/** The files of a zip archive, by name (stored or deflated entries). */
export function unzip(buf: Buffer): Map<string, Buffer> {
  // End of central directory: signature 0x06054b50, searched backwards (a comment may follow it).
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip file (no end of central directory)");
  const entries = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let n = 0; n < entries; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error("zip: bad central directory entry");
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`zip: bad local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + compressed);
    if (method === 0) out.set(name, Buffer.from(data));
    else if (method === 8) out.set(name, zlib.inflateRawSync(data));
    else throw new Error(`zip: ${name} uses compression method ${method}`);
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const unescapeXml = (s: string) =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e.startsWith("#x") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : (ENTITIES[e] as string),
  );

/** The text of every `<t>` in an XML fragment (a shared string may be split into runs). */
const textOf = (xml: string) => [...xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => unescapeXml(m[1] as string)).join("");

/** "AB" -> 27 (1-based column number). */
function column(ref: string): number {
  let n = 0;
  for (const ch of ref) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n;
}

export interface Sheet {
  name: string;
  /** Rows in order; each row's cells by 0-based column, "" when empty. Cell values are text as stored. */
  rows: string[][];
}

/** Reads the worksheets of an .xlsx file, in workbook order. */
export function readXlsx(file: string): Sheet[] {
  const files = unzip(fs.readFileSync(file));
  const get = (name: string) => {
    const b = files.get(name);
    if (b === undefined) throw new Error(`${file}: ${name} missing`);
    return b.toString("utf8");
  };
  const shared = files.has("xl/sharedStrings.xml") ? [...get("xl/sharedStrings.xml").matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => textOf(m[1] as string)) : [];
  const rels = new Map([...get("xl/_rels/workbook.xml.rels").matchAll(/<Relationship\b[^>]*>/g)].map((m) => [attr(m[0], "Id"), attr(m[0], "Target")]));
  const sheets: Sheet[] = [];
  for (const m of get("xl/workbook.xml").matchAll(/<sheet\b[^>]*>/g)) {
    const target = rels.get(attr(m[0], "r:id"));
    if (target === undefined) continue;
    const xml = get(target.startsWith("/") ? target.slice(1) : `xl/${target}`);
    const rows: string[][] = [];
    for (const r of xml.matchAll(/<row\b[^>]*?(?:\/>|>([\s\S]*?)<\/row>)/g)) {
      const row: string[] = [];
      for (const c of (r[1] ?? "").matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const attrs = c[1] as string;
        const body = c[2] ?? "";
        const idx = column(attr(attrs, "r")) - 1;
        const type = attr(attrs, "t");
        const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
        let value = "";
        if (type === "s" && v !== undefined) value = shared[Number(v)] ?? "";
        else if (type === "inlineStr") value = textOf(body);
        else if (v !== undefined) value = unescapeXml(v);
        while (row.length < idx) row.push("");
        row[idx] = value;
      }
      rows.push(row);
    }
    sheets.push({ name: unescapeXml(attr(m[0], "name")), rows });
  }
  return sheets;
}

function attr(tag: string, name: string): string {
  const m = new RegExp(`\\s${name.replace(":", "\\:")}="([^"]*)"`).exec(` ${tag}`);
  return m === null ? "" : (m[1] as string);
}
