import type { Box } from '../measure/subject';
import { DEFAULT_MARGIN, type Margin, type ProcessOptions } from './process-options';

/** Where the subject box lands on the canvas. */
export interface Frame {
  canvas: { width: number; height: number };
  /** The subject box scaled and placed on the canvas, in whole pixels. */
  box: Box;
  /** The part of the canvas the subject may cover: all of it, or with `cover` the space inside the margins. */
  clip: Box;
}

type Sides = { top: number; right: number; bottom: number; left: number };

function sidesOf(margin: Margin | undefined): Sides {
  const share = margin ?? DEFAULT_MARGIN;
  return typeof share === 'number' ? { top: share, right: share, bottom: share, left: share } : share;
}

/**
 * The canvas when the options leave a side of it out: the subject at its own size plus its margins
 * (or, with fill, plus equal padding making the box that share of the longer side). Given one side,
 * the other keeps that shape's proportions.
 */
function canvasOf(subject: { width: number; height: number }, options: Pick<ProcessOptions, 'width' | 'height' | 'fill'>, sides: Sides) {
  let natural: { width: number; height: number };
  if (options.fill !== undefined) {
    const longest = Math.max(subject.width, subject.height);
    const padding = longest / options.fill - longest;
    natural = { width: subject.width + padding, height: subject.height + padding };
  } else {
    natural = { width: subject.width / (1 - sides.left - sides.right), height: subject.height / (1 - sides.top - sides.bottom) };
  }
  const { width, height } = options;
  if (width !== undefined && height !== undefined) return { width, height };
  if (width !== undefined) return { width, height: Math.max(1, Math.round((width * natural.height) / natural.width)) };
  if (height !== undefined) return { width: Math.max(1, Math.round((height * natural.width) / natural.height)), height };
  return { width: Math.max(1, Math.round(natural.width)), height: Math.max(1, Math.round(natural.height)) };
}

/**
 * Plans the reframe of a subject box: with `fill`, the box's longest side becomes that share of the
 * canvas's longest side (shrunk if the box would then overflow the canvas), centred; otherwise the box
 * fits (contain) or covers (cover) the space inside the margins, centred in it.
 */
export function planFrame(subject: { width: number; height: number }, options: Pick<ProcessOptions, 'width' | 'height' | 'fill' | 'margin' | 'fit'>): Frame {
  const sides = sidesOf(options.margin);
  const canvas = canvasOf(subject, options, sides);
  const whole: Box = { left: 0, top: 0, width: canvas.width, height: canvas.height };
  let space: { left: number; top: number; width: number; height: number };
  let scale: number;
  if (options.fill !== undefined) {
    space = { ...whole };
    scale = Math.min((options.fill * Math.max(canvas.width, canvas.height)) / Math.max(subject.width, subject.height), canvas.width / subject.width, canvas.height / subject.height);
  } else {
    space = {
      left: canvas.width * sides.left,
      top: canvas.height * sides.top,
      width: canvas.width * (1 - sides.left - sides.right),
      height: canvas.height * (1 - sides.top - sides.bottom),
    };
    const fits = [space.width / subject.width, space.height / subject.height];
    scale = options.fit === 'cover' ? Math.max(...fits) : Math.min(...fits);
  }
  const width = Math.max(1, Math.round(subject.width * scale));
  const height = Math.max(1, Math.round(subject.height * scale));
  const box = { left: Math.round(space.left + (space.width - width) / 2), top: Math.round(space.top + (space.height - height) / 2), width, height };
  const clip =
    options.fit === 'cover' && options.fill === undefined
      ? { left: Math.round(space.left), top: Math.round(space.top), width: Math.round(space.left + space.width) - Math.round(space.left), height: Math.round(space.top + space.height) - Math.round(space.top) }
      : whole;
  return { canvas, box, clip };
}
