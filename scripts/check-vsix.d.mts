export interface ZipEntry {
  name: string;
  /** Uncompressed size in bytes. */
  size: number;
  /** Compressed size in bytes. */
  packed: number;
  read(): Buffer;
}
export declare const MAX_PACKED_BYTES: number;
export declare const MAX_TAGS: number;
export declare const MAX_LISTING_IMAGE_BYTES: number;
export declare const LIMITS: Readonly<{ bundle: number; image: number; other: number }>;
export declare function readZip(buf: Buffer): ZipEntry[];
export declare function checkVsix(
  entries: ZipEntry[],
  info: { packedBytes: number; repoRoot?: string },
): { problems: string[]; listing: string[]; tags: string[]; links: string[] };
