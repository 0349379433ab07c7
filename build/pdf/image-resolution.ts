/**
 * Print services want 300 ppi at the size an image is printed. The print stylesheet sets an
 * image at its natural size (96 px to the inch), no wider than the text block and no taller than
 * 5 in; from that, each image's printed size and its resolution there.
 */
import path from 'node:path';
import type { ImageInfo } from '../model/inspect-images.ts';
import type { PageGeometry } from '../render/page-geometry.ts';

export const MIN_PRINT_PPI = 300;
const CSS_PX_PER_IN = 96;
const MAX_HEIGHT_IN = 5;

export function imageResolutionWarnings(images: ImageInfo[], page: PageGeometry): string[] {
  const textWidth = page.width - page.inside - page.outside;
  const warnings: string[] = [];
  for (const image of images) {
    if (image.format === 'svg') continue; // vector: any size
    let width = image.width / CSS_PX_PER_IN;
    let height = image.height / CSS_PX_PER_IN;
    const scale = Math.min(1, textWidth / width, MAX_HEIGHT_IN / height);
    width *= scale;
    height *= scale;
    const ppi = Math.round(image.width / width);
    if (ppi < MIN_PRINT_PPI) {
      warnings.push(
        `${image.asset.usedAt.file}:${image.asset.usedAt.line}: image ${path.basename(image.asset.absPath)} prints at ${width.toFixed(2)} × ${height.toFixed(2)} in, ${ppi} ppi; print services want ${MIN_PRINT_PPI} ppi: supply one at least ${Math.ceil(width * MIN_PRINT_PPI)} px wide`,
      );
    }
  }
  return warnings;
}
