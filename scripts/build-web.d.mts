export declare function buildWeb(outDir?: string): Promise<void>;
