/**
 * Cleanup of a binary mask (one byte per pixel, 0 or 255) by connected components, 4-connected,
 * labelled with an explicit stack so a large region cannot overflow the call stack.
 */

interface Components {
  /** Per pixel: the component's number (from 1), or 0 for pixels of the other value. */
  labels: Int32Array;
  /** Per component number: its area in pixels (index 0 unused). */
  areas: number[];
  /** Per component number: whether it touches the image's edge. */
  touchesEdge: boolean[];
}

function labelComponents(mask: Uint8Array, width: number, height: number, value: number): Components {
  const labels = new Int32Array(width * height);
  const areas = [0];
  const touchesEdge = [false];
  const stack = new Int32Array(width * height);
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] !== value || labels[start] !== 0) continue;
    const label = areas.length;
    let area = 0;
    let edge = false;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const pixel = stack[--top];
      area++;
      const x = pixel % width;
      const y = (pixel - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) edge = true;
      const visit = (next: number) => {
        if (mask[next] === value && labels[next] === 0) {
          labels[next] = label;
          stack[top++] = next;
        }
      };
      if (x > 0) visit(pixel - 1);
      if (x < width - 1) visit(pixel + 1);
      if (y > 0) visit(pixel - width);
      if (y < height - 1) visit(pixel + width);
    }
    areas.push(area);
    touchesEdge.push(edge);
  }
  return { labels, areas, touchesEdge };
}

/** Keeps the largest subject region and the others at least `minShare` of its area; drops the specks. */
export function keepMainComponents(mask: Uint8Array, width: number, height: number, minShare: number): void {
  const { labels, areas } = labelComponents(mask, width, height, 255);
  const largest = Math.max(0, ...areas);
  for (let i = 0; i < mask.length; i++) if (mask[i] === 255 && areas[labels[i]] < largest * minShare) mask[i] = 0;
}

/**
 * Fills the holes in the subject (background regions that do not reach the edge) smaller than
 * `maxShare` of the subject's area; larger ones, such as the opening of a handle, stay open.
 */
export function fillSmallHoles(mask: Uint8Array, width: number, height: number, maxShare: number): void {
  let subjectArea = 0;
  for (const value of mask) if (value === 255) subjectArea++;
  const { labels, areas, touchesEdge } = labelComponents(mask, width, height, 0);
  for (let i = 0; i < mask.length; i++) {
    const label = labels[i];
    if (label !== 0 && !touchesEdge[label] && areas[label] <= subjectArea * maxShare) mask[i] = 255;
  }
}
