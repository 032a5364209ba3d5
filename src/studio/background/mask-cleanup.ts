/**
 * Cleanup of a binary mask (one byte per pixel, 0 or 255) by connected components, 4-connected,
 * labelled with an explicit stack so a large region cannot overflow the call stack. Every pass lets the
 * event loop turn each PIXELS_PER_SLICE pixels, so a large mask never holds it for long.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { inSlices, PIXELS_PER_SLICE } from '../effects/slices';

interface Components {
  /** Per pixel: the component's number (from 1), or 0 for pixels of the other value. */
  labels: Int32Array;
  /** Per component number: its area in pixels (index 0 unused). */
  areas: number[];
  /** Per component number: whether it touches the image's edge. */
  touchesEdge: boolean[];
}

async function labelComponents(mask: Uint8Array, width: number, height: number, value: number): Promise<Components> {
  const labels = new Int32Array(width * height);
  const areas = [0];
  const touchesEdge = [false];
  const stack = new Int32Array(width * height);
  let top = 0;
  const push = (pixel: number, label: number) => {
    if (mask[pixel] === value && labels[pixel] === 0) {
      labels[pixel] = label;
      stack[top++] = pixel;
    }
  };
  let work = 0;
  for (let start = 0; start < mask.length; start++) {
    if (++work >= PIXELS_PER_SLICE) {
      work = 0;
      await nextTurn();
    }
    if (mask[start] !== value || labels[start] !== 0) continue;
    const label = areas.length;
    let area = 0;
    let edge = false;
    push(start, label);
    while (top > 0) {
      if (++work >= PIXELS_PER_SLICE) {
        work = 0;
        await nextTurn();
      }
      const pixel = stack[--top];
      area++;
      const x = pixel % width;
      const y = (pixel - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) edge = true;
      if (x > 0) push(pixel - 1, label);
      if (x < width - 1) push(pixel + 1, label);
      if (y > 0) push(pixel - width, label);
      if (y < height - 1) push(pixel + width, label);
    }
    areas.push(area);
    touchesEdge.push(edge);
  }
  return { labels, areas, touchesEdge };
}

/** Keeps the largest subject region and the others at least `minShare` of its area; drops the specks. */
export async function keepMainComponents(mask: Uint8Array, width: number, height: number, minShare: number): Promise<void> {
  const { labels, areas } = await labelComponents(mask, width, height, 255);
  const largest = Math.max(0, ...areas);
  await inSlices(mask.length, PIXELS_PER_SLICE, (from, to) => {
    for (let i = from; i < to; i++) if (mask[i] === 255 && areas[labels[i]] < largest * minShare) mask[i] = 0;
  });
}

/**
 * Fills the holes in the subject (background regions that do not reach the edge) smaller than
 * `maxShare` of the subject's area; larger ones, such as the opening of a handle, stay open.
 */
export async function fillSmallHoles(mask: Uint8Array, width: number, height: number, maxShare: number): Promise<void> {
  let subjectArea = 0;
  await inSlices(mask.length, PIXELS_PER_SLICE, (from, to) => {
    for (let i = from; i < to; i++) if (mask[i] === 255) subjectArea++;
  });
  const { labels, areas, touchesEdge } = await labelComponents(mask, width, height, 0);
  await inSlices(mask.length, PIXELS_PER_SLICE, (from, to) => {
    for (let i = from; i < to; i++) {
      const label = labels[i];
      if (label !== 0 && !touchesEdge[label] && areas[label] <= subjectArea * maxShare) mask[i] = 255;
    }
  });
}
