/** See svg-check.mjs. */
export function openChecker(pngDir?: string): Promise<{
  check(svg: string, name: string): Promise<string[]>;
  close(): Promise<void>;
}>;
