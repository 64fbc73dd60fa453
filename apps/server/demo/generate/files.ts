/**
 * Small but real files for the demo's non-structured resources: a PDF bulletin with Chinese text
 * (pdfkit, the Noto Sans CJK SC font subset embedded) and a PNG radar mosaic (written by hand with
 * zlib). Both are deterministic: the same bytes on every run on a machine with the same font file.
 */
import { existsSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import { Random } from './random.ts';

/** Debian's fonts-noto-cjk (installed by .ci/run). */
export const NOTO_CJK_PATH = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
/** The Simplified Chinese face inside the collection. */
const NOTO_CJK_FACE = 'NotoSansCJKsc-Regular';

// ---------------------------------------------------------------------------------------------
// PDF
// ---------------------------------------------------------------------------------------------

export interface PdfText {
  title: string;
  subtitle: string;
  paragraphs: readonly string[];
  /** Creation date written into the document information (no clock). */
  created: string;
}

/** Writes a one-page A4 PDF with an embedded CJK font subset. */
export function renderPdf(text: PdfText, fontPath: string = NOTO_CJK_PATH): Promise<Buffer> {
  if (!existsSync(fontPath))
    throw new Error(`the CJK font ${fontPath} is missing (Debian: apt-get install fonts-noto-cjk)`);
  return new Promise((resolve, reject) => {
    const created = new Date(`${text.created}T09:00:00+08:00`);
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: 72, bottom: 72, left: 72, right: 72 },
      info: {
        Title: text.title,
        Author: '沈阳市统计局（演示数据）',
        Creator: 'Huitong demo',
        CreationDate: created,
        ModDate: created,
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('cjk', fontPath, NOTO_CJK_FACE);
    doc.font('cjk');
    doc.fontSize(18).text(text.title, { align: 'center' });
    doc.moveDown(0.5);
    doc.fontSize(11).fillColor('#555555').text(text.subtitle, { align: 'center' });
    doc.moveDown(1.2);
    doc.fillColor('#000000').fontSize(12);
    for (const paragraph of text.paragraphs) {
      doc.text(`\u3000\u3000${paragraph}`, { align: 'justify', lineGap: 6 });
      doc.moveDown(0.6);
    }
    doc.end();
  });
}

/** The demo 统计公报: figures are invented and the document says so. */
export const STATISTICAL_BULLETIN: PdfText = {
  title: '2025年沈阳市国民经济和社会发展统计公报（摘要）',
  subtitle: '沈阳市统计局 2026年3月20日 【演示数据，非真实统计】',
  paragraphs: [
    '本文件由汇通平台演示数据生成器生成，其中数字均为虚构，仅用于演示政务数据资源的发布、共享与开放流程，不代表沈阳市真实统计结果。',
    '一、综合。初步核算，全年地区生产总值8,950亿元，按不变价格计算，比上年增长5.1%。其中，第一产业增加值410亿元，增长3.2%；第二产业增加值3,250亿元，增长5.4%；第三产业增加值5,290亿元，增长5.0%。',
    '二、人口。年末全市户籍人口772.3万人，常住人口921.5万人，常住人口城镇化率85.6%。',
    '三、市场主体。年末全市登记在册市场主体128.6万户，比上年末增长6.8%。其中，企业36.2万户，个体工商户90.4万户，农民专业合作社2.0万户。',
    '四、生态环境。全年城市环境空气质量优良天数305天，细颗粒物（PM2.5）年平均浓度为每立方米36微克。',
  ],
  created: '2026-03-20',
};

// ---------------------------------------------------------------------------------------------
// PNG
// ---------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of PNG chunks (ISO 3309). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes 8-bit RGB pixels (row by row, 3 bytes a pixel) as a PNG. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  if (rgb.length !== width * height * 3) throw new RangeError('pixel data does not match the size');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering
  header[12] = 0; // no interlace
  const raw = Buffer.alloc(height * (width * 3 + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0; // filter: none
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Colours of radar reflectivity from 0 dBZ in steps of 5 (the usual Chinese weather radar scale). */
export const REFLECTIVITY_COLOURS: readonly (readonly [number, number, number])[] = [
  [0x01, 0xa0, 0xf6],
  [0x00, 0xec, 0xec],
  [0x00, 0xd8, 0x00],
  [0x01, 0x90, 0x00],
  [0xff, 0xff, 0x00],
  [0xe7, 0xc0, 0x00],
  [0xff, 0x90, 0x00],
  [0xff, 0x00, 0x00],
  [0xd6, 0x00, 0x00],
  [0xc0, 0x00, 0x00],
  [0xff, 0x00, 0xf0],
  [0x96, 0x00, 0xb4],
  [0xad, 0x90, 0xf0],
];

const BACKGROUND: readonly [number, number, number] = [0xf4, 0xf4, 0xf0];
const RING: readonly [number, number, number] = [0x9a, 0x9a, 0x9a];

/**
 * A composite reflectivity mosaic: a few rain cells around the radar, range rings every quarter of
 * the radius, and the colour scale as a bar along the bottom.
 */
export function renderRadarPng(seed = 'demo:radar', size = 256): Buffer {
  const random = new Random(seed);
  const legend = 16;
  const width = size;
  const height = size + legend;
  const rgb = new Uint8Array(width * height * 3);
  const cells = Array.from({ length: 6 }, () => ({
    x: random.float(0.15, 0.85) * size,
    y: random.float(0.15, 0.85) * size,
    r: random.float(0.05, 0.16) * size,
    peak: random.float(30, 62),
  }));
  const centre = size / 2;
  const set = (x: number, y: number, colour: readonly [number, number, number]): void => {
    const i = (y * width + x) * 3;
    rgb[i] = colour[0];
    rgb[i + 1] = colour[1];
    rgb[i + 2] = colour[2];
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let dbz = -10;
      for (const cell of cells) {
        const d2 = ((x - cell.x) ** 2 + (y - cell.y) ** 2) / (cell.r * cell.r);
        dbz = Math.max(dbz, cell.peak * Math.exp(-d2) - 5 + 4 * Math.sin(x * 0.21 + y * 0.17));
      }
      const distance = Math.hypot(x - centre, y - centre);
      let colour = BACKGROUND;
      if (distance <= centre && dbz >= 0)
        colour =
          REFLECTIVITY_COLOURS[Math.min(REFLECTIVITY_COLOURS.length - 1, Math.floor(dbz / 5))] ?? BACKGROUND;
      if ([0.25, 0.5, 0.75, 1].some((k) => Math.abs(distance - k * centre) < 0.5)) colour = RING;
      set(x, y, colour);
    }
  }
  const band = width / REFLECTIVITY_COLOURS.length;
  for (let y = size; y < height; y++)
    for (let x = 0; x < width; x++)
      set(
        x,
        y,
        REFLECTIVITY_COLOURS[Math.min(REFLECTIVITY_COLOURS.length - 1, Math.floor(x / band))] ?? BACKGROUND,
      );
  return encodePng(width, height, rgb);
}
