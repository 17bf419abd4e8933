import data from 'virtual:losses-data';

/** Built-time facts: which packages were built, and the reproduce outputs found in `out/`. */
export interface SiteData {
  available: Record<string, boolean>;
  gra: GraJson | null;
  hierarchy: HierarchyJson | null;
}

/** `out/gra.json` as written by `pnpm reproduce gra`. */
export interface GraJson {
  protocol?: Record<string, unknown>;
  rows: {
    configuration: string;
    gra: Record<string, number>;
    ci?: Record<string, [number, number]> | unknown;
  }[];
}

/** `out/hierarchy.json` as written by `pnpm reproduce hierarchy` (shape read defensively). */
export type HierarchyJson = Record<string, unknown>;

export const siteData = data as SiteData;
