// Fonts for PNG rendering (resvg): system fonts, the user's fonts, and the bundled VA Sans subset
// of DejaVu Sans, so that chart text renders even on a machine without fonts (a slim container).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which fonts resvg may use to draw chart text into PNGs. */
export interface FontOptions {
  /** Font files (.ttf/.otf/.ttc) to load in addition to the others. */
  readonly files?: readonly string[];
  /** Folders of font files to load. */
  readonly dirs?: readonly string[];
  /** Load the operating system's fonts too (default true; false is faster and fully deterministic). */
  readonly loadSystemFonts?: boolean;
}

const BUNDLED = ['VASans.ttf', 'VASans-Bold.ttf'] as const;

/**
 * The bundled fallback font files, or `[]` when they cannot be found (for example when this
 * package was inlined by a bundler). Looks beside the module (`src/` or `dist/`), then in the
 * installed package's folder.
 */
export function bundledFontFiles(): string[] {
  const candidates: string[] = [];
  try {
    candidates.push(join(dirname(fileURLToPath(import.meta.url)), '..', 'assets'));
  } catch {
    // import.meta.url is not a file URL (bundled for a browser): try the package instead.
  }
  try {
    const require = createRequire(import.meta.url);
    candidates.push(join(dirname(require.resolve('@va/report/package.json')), 'assets'));
  } catch {
    // not resolvable from here: nothing more to try.
  }
  for (const dir of candidates) {
    const files = BUNDLED.map((name) => join(dir, name));
    if (files.every((file) => existsSync(file))) return files;
  }
  return [];
}

/** Font files named by the `VA_FONT_FILES` environment variable (separated like PATH). */
function environmentFontFiles(): string[] {
  const value = process.env.VA_FONT_FILES;
  return value ? value.split(delimiter).filter((file) => file && existsSync(file)) : [];
}

/** The resvg `font` options for `options`: user files, `VA_FONT_FILES`, the bundled font. */
export function resvgFontOptions(options: FontOptions = {}): {
  loadSystemFonts: boolean;
  fontFiles: string[];
  fontDirs: string[];
  defaultFontFamily: string;
  sansSerifFamily: string;
} {
  const bundled = bundledFontFiles();
  return {
    loadSystemFonts: options.loadSystemFonts ?? true,
    fontFiles: [...(options.files ?? []), ...environmentFontFiles(), ...bundled],
    fontDirs: [...(options.dirs ?? [])],
    // Text whose family is missing everywhere falls back to VA Sans (or DejaVu Sans, then Arial).
    defaultFontFamily: bundled.length ? 'VA Sans' : 'DejaVu Sans',
    sansSerifFamily: bundled.length ? 'VA Sans' : 'DejaVu Sans',
  };
}
