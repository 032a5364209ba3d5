import type { ProviderModel } from '../plugins/provider-models';

/** The sizes an aspect ratio asks for when the model takes them (aura, and models taking any size within bounds). */
export const RATIO_SIZES: Record<string, string> = { '1:1': '1024x1024', '16:9': '1024x576', '9:16': '576x1024', '4:3': '1024x768', '3:4': '768x1024' };

/** How far a listed size's ratio may be from the asked one: FLUX's 4:3 renders at 1152x896 (1.29). */
const RATIO_TOLERANCE = 0.05;

const ratioOf = (size: string) => {
  const [width, height] = size.split('x').map(Number);
  return { ratio: width / height, pixels: width * height };
};

/**
 * The size an aspect ratio stands for on a model. Models with a list of sizes render each ratio at
 * their own size (Stability and FLUX's 16:9 is 1344x768, not 1024x576): the listed size nearest that
 * ratio, then nearest 1024x1024 in pixels. When none is near enough, the usual size, which the
 * model's size check then refuses with the sizes it takes.
 */
export function sizeForAspectRatio(model: Pick<ProviderModel, 'sizes'>, aspectRatio: string): string {
  const usual = RATIO_SIZES[aspectRatio];
  if (!Array.isArray(model.sizes) || model.sizes.includes(usual)) return usual;
  const asked = ratioOf(usual);
  const near = model.sizes
    .map((size) => ({ size, ...ratioOf(size) }))
    .filter((s) => Math.abs(s.ratio - asked.ratio) / asked.ratio <= RATIO_TOLERANCE)
    .sort((a, b) => Math.abs(a.ratio - asked.ratio) - Math.abs(b.ratio - asked.ratio) || Math.abs(a.pixels - 1024 * 1024) - Math.abs(b.pixels - 1024 * 1024));
  return near[0]?.size ?? usual;
}
