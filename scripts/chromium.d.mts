import type { Browser } from "puppeteer-core";

export declare const CHROMIUM: string;
export declare function chromiumMissing(): string | undefined;
export declare function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }>;
