/**
 * Print services want 300 ppi at the size an image is printed. The print stylesheet sets an
 * image at the width its Markdown or HTML asks for (width="400" is 400 CSS px, 96 to the inch;
 * {width=60%} is 60 % of the text block), else at its natural size, never wider than the text
 * block and never taller than the smaller of 5 in and 80 % of the page area (print.css); from
 * that, each image's printed size at each place it is shown, and its resolution there.
 */
import path from 'node:path';
import type { ImageInfo } from '../model/inspect-images.ts';
import type { PageGeometry } from '../render/page-geometry.ts';

export const MIN_PRINT_PPI = 300;
const CSS_PX_PER_IN = 96;
const MAX_HEIGHT_IN = 5;
/** Share of the page area an image may fill in height (print.css: max-height: 80vh). */
const MAX_HEIGHT_SHARE = 0.8;
const PER_IN: Record<string, number> = { px: CSS_PX_PER_IN, in: 1, cm: 2.54, mm: 25.4, pt: 72 };

export function imageResolutionWarnings(images: ImageInfo[], page: PageGeometry): string[] {
  const textWidth = page.width - page.inside - page.outside;
  const maxHeight = Math.min(MAX_HEIGHT_IN, MAX_HEIGHT_SHARE * (page.height - page.top - page.bottom));
  const warnings: string[] = [];
  for (const image of images) {
    if (image.format === 'svg') continue; // vector: any size
    const uses = image.asset.uses.length > 0 ? image.asset.uses : [{ ...image.asset.usedAt, width: undefined }];
    // The place where it prints largest is where its resolution is lowest.
    let worst: { width: number; height: number; ppi: number; file: string; line: number } | undefined;
    for (const use of uses) {
      let width = askedWidth(use.width, textWidth) ?? image.width / CSS_PX_PER_IN;
      let height = (width * image.height) / image.width;
      const scale = Math.min(1, textWidth / width, maxHeight / height);
      width *= scale;
      height *= scale;
      const ppi = Math.round(image.width / width);
      if (!worst || ppi < worst.ppi) worst = { width, height, ppi, file: use.file, line: use.line };
    }
    if (worst && worst.ppi < MIN_PRINT_PPI) {
      warnings.push(
        `${worst.file}:${worst.line}: image ${path.basename(image.asset.absPath)} prints at ${worst.width.toFixed(2)} × ${worst.height.toFixed(2)} in, ${worst.ppi} ppi; print services want ${MIN_PRINT_PPI} ppi: supply one at least ${Math.ceil(worst.width * MIN_PRINT_PPI)} px wide`,
      );
    }
  }
  return warnings;
}

/** The printed width, in inches, that width="400" or {width=60%} asks for; undefined for none. */
function askedWidth(value: string | undefined, textWidth: number): number | undefined {
  const m = value?.trim().match(/^(\d+(?:\.\d+)?)(px|in|cm|mm|pt|%)?$/);
  if (!m) return undefined;
  const n = parseFloat(m[1]!);
  if (m[2] === '%') return (n / 100) * textWidth;
  return n / PER_IN[m[2] ?? 'px']!;
}
