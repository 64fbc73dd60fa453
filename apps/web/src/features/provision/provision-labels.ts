/** A size for the upload progress: megabytes with two decimals, kilobytes below 0.1 MB. */
export const sizeText = (bytes: number, reference = bytes): string =>
  reference < 0.1 * 1024 * 1024
    ? `${(bytes / 1024).toFixed(1)} KB`
    : `${(bytes / 1024 / 1024).toFixed(2)} MB`;

/** A share (0–1) as a percentage with one decimal; a dash when there is none. */
export const percentText = (share: number | null): string =>
  share === null ? '—' : `${(share * 100).toFixed(1)}%`;

/** A share (0–1) as a whole-number percent for antd Progress. */
export const percentOf = (share: number | null): number =>
  share === null ? 0 : Math.floor(share * 1000) / 10;
