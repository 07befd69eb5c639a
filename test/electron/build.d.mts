export declare const ROOT: string;
/** out/electron/suite/index.js */
export declare const SUITE_BUNDLE: string;
export declare function buildExtension(opts?: { quiet?: boolean }): Promise<void>;
export declare function buildSuite(): Promise<string>;
