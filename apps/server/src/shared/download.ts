/** The media type of an Excel workbook (.xlsx). */
export { XLSX_MIME } from '@huitong/contract/values';

/** The name with every character outside printable ASCII (and `"`, `\`) as `_`. */
function asciiName(name: string): string {
  return name.replace(/[^\x20-\x7e]+/g, '_').replace(/["\\]/g, '_') || 'file';
}

/**
 * `Content-Disposition` of a download: the exact (Chinese) name as `filename*`, UTF-8
 * percent-encoded (RFC 6266 / RFC 5987), and an ASCII `filename` for older clients — given, or the
 * name with other characters replaced.
 */
export function contentDisposition(name: string, fallback: string = asciiName(name)): string {
  const encoded = encodeURIComponent(name).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
