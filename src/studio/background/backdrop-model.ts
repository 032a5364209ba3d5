import type { RawImage } from '../measure/raw-image';

/**
 * A studio backdrop as a smooth surface: per colour channel, a quadratic in the pixel's position
 * (c0 + c1·x + c2·y + c3·x·y + c4·x² + c5·y², x and y from -1 to 1 across the image), which holds a
 * flat sweep, a linear gradient and the fall-off of a light towards the corners.
 */
export interface BackdropModel {
  coefficients: number[][];
  /** The backdrop's noise: a robust standard deviation of the border's distance from the surface. */
  noise: number;
}

const TERMS = 6;
/** At most this many border pixels enter the fit, evenly spaced: enough for six terms, bounded in time. */
const MAX_SAMPLES = 20_000;

const termsAt = (x: number, y: number) => [1, x, y, x * y, x * x, y * y];

/** Solves the square system `matrix · solution = vector` by Gaussian elimination with partial pivoting. */
function solve(matrix: number[][], vector: number[]): number[] {
  const size = vector.length;
  const rows = matrix.map((row, i) => [...row, vector[i]]);
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let row = col + 1; row < size; row++) if (Math.abs(rows[row][col]) > Math.abs(rows[pivot][col])) pivot = row;
    [rows[col], rows[pivot]] = [rows[pivot], rows[col]];
    const lead = rows[col][col] || 1e-12;
    for (let row = 0; row < size; row++) {
      if (row === col) continue;
      const factor = rows[row][col] / lead;
      for (let k = col; k <= size; k++) rows[row][k] -= factor * rows[col][k];
    }
  }
  return rows.map((row, i) => row[size] / (row[i] || 1e-12));
}

interface Sample {
  terms: number[];
  colour: number[];
}

/** Per colour channel, the surface's coefficients fitted to the samples by least squares (the normal matrix is shared by the channels). */
function leastSquares(samples: Sample[]): number[][] {
  const normal = new Float64Array(TERMS * TERMS);
  const right = [new Float64Array(TERMS), new Float64Array(TERMS), new Float64Array(TERMS)];
  for (const { terms, colour } of samples) {
    for (let i = 0; i < TERMS; i++) {
      const term = terms[i];
      for (let channel = 0; channel < 3; channel++) right[channel][i] += term * colour[channel];
      for (let j = i; j < TERMS; j++) normal[i * TERMS + j] += term * terms[j];
    }
  }
  // A touch of ridge keeps the system solvable when the ring leaves a term unconstrained.
  const ridge = 1e-6 * samples.length;
  const matrix = Array.from({ length: TERMS }, (_, i) =>
    Array.from({ length: TERMS }, (_, j) => normal[Math.min(i, j) * TERMS + Math.max(i, j)] + (i === j ? ridge : 0)),
  );
  return right.map((vector) => solve(matrix, Array.from(vector)));
}

/** How far, in colour levels, a sample lies from the surface `coefficients` predicts at its place. */
function residual(coefficients: number[][], { terms, colour }: Sample): number {
  let squared = 0;
  for (let channel = 0; channel < 3; channel++) {
    const row = coefficients[channel];
    let predicted = 0;
    for (let i = 0; i < TERMS; i++) predicted += row[i] * terms[i];
    squared += (predicted - colour[channel]) ** 2;
  }
  return Math.sqrt(squared);
}

function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Fits the backdrop to the pixels of the border ring (`ringWidth` wide), then fits again without the
 * samples far from the first surface, so a subject touching an edge does not drag the backdrop.
 */
export function fitBackdrop(image: RawImage, ringWidth: number): BackdropModel {
  const { data, width, height, channels } = image;
  const ring = Math.max(1, Math.min(ringWidth, Math.floor(Math.min(width, height) / 2)));
  const ringPixels = 2 * ring * width + 2 * ring * (height - 2 * ring);
  const stride = Math.max(1, Math.floor(ringPixels / MAX_SAMPLES));
  const samples: Sample[] = [];
  let seen = 0;
  // Row by row, the ring's pixels only: whole rows in the top and bottom bands, the two edge strips between.
  const spansOf = (y: number) => (y < ring || y >= height - ring ? [[0, width]] : [[0, ring], [width - ring, width]]);
  for (let y = 0; y < height; y++) {
    for (const [from, to] of spansOf(y)) {
      for (let x = from; x < to; x++) {
        if (seen++ % stride !== 0) continue;
        const offset = (y * width + x) * channels;
        samples.push({
          terms: termsAt((2 * x) / Math.max(1, width - 1) - 1, (2 * y) / Math.max(1, height - 1) - 1),
          colour: [data[offset], data[offset + 1], data[offset + 2]],
        });
      }
    }
  }
  const first = leastSquares(samples);
  const firstResiduals = samples.map((sample) => residual(first, sample));
  const cutoff = Math.max(6, 3 * 1.4826 * median(firstResiduals));
  const inliers = samples.filter((_, i) => firstResiduals[i] <= cutoff);
  const coefficients = leastSquares(inliers.length >= TERMS * 4 ? inliers : samples);
  const residuals = inliers.map((sample) => residual(coefficients, sample));
  return { coefficients, noise: 1.4826 * median(residuals) };
}

/** The backdrop's colour predicted for every pixel of one row, written into `out` (3 values per pixel). */
export function backdropRow(model: BackdropModel, y: number, width: number, height: number, out: Float32Array): void {
  const v = (2 * y) / Math.max(1, height - 1) - 1;
  for (let channel = 0; channel < 3; channel++) {
    const [c0, c1, c2, c3, c4, c5] = model.coefficients[channel];
    const rowConstant = c0 + c2 * v + c5 * v * v;
    const rowSlope = c1 + c3 * v;
    for (let x = 0; x < width; x++) {
      const u = (2 * x) / Math.max(1, width - 1) - 1;
      out[x * 3 + channel] = rowConstant + rowSlope * u + c4 * u * u;
    }
  }
}
