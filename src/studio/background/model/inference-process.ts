/**
 * The child process that holds the ISNet session. onnxruntime-node 1.17 runs a session synchronously
 * on the calling thread (its `run` only defers by setImmediate), so it must not run on the event loop;
 * and its native binding registers once per process (a second worker thread cannot load it), so each
 * concurrent inference gets a process of its own rather than a worker thread. One inference at a time.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { type InferenceReply, type InferenceRequest, MODEL_PATH_VARIABLE, type ProcessStatus, THREADS_VARIABLE } from './inference-messages';
import { readIsnetModel } from './isnet-model-file';
import { ISNET_INPUT_NAME, ISNET_INPUT_SIZE, ISNET_OUTPUT_NAME, isnetInput, saliencyLevels } from './isnet-tensor';

const send = (message: ProcessStatus | InferenceReply) => process.send?.(message);

async function start(): Promise<void> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(await readIsnetModel(process.env[MODEL_PATH_VARIABLE] || undefined), {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: Number(process.env[THREADS_VARIABLE]) || 1,
    });
  } catch (error) {
    send({ type: 'failed', message: (error as Error).message });
    return;
  }
  process.on('message', async ({ pixels }: InferenceRequest) => {
    try {
      const input = new Tensor('float32', isnetInput(pixels), [1, 3, ISNET_INPUT_SIZE, ISNET_INPUT_SIZE]);
      const outputs = await session.run({ [ISNET_INPUT_NAME]: input }, [ISNET_OUTPUT_NAME]);
      send({ levels: saliencyLevels(outputs[ISNET_OUTPUT_NAME].data as Float32Array) });
    } catch (error) {
      send({ error: (error as Error).message });
    }
  });
  send({ type: 'ready' });
}

// The parent stopping (close, a crash) disconnects the channel: nothing is left to serve.
process.on('disconnect', () => process.exit(0));
void start();
