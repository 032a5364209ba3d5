/** What SegmentationModel and its inference process say to each other (advanced serialisation, so typed arrays pass as they are). */

/** Sent once, when the model is loaded (or could not be). */
export type ProcessStatus = { type: 'ready' } | { type: 'failed'; message: string };

/** One image stretched to the model's input, 3 bytes per pixel. */
export interface InferenceRequest {
  pixels: Uint8Array;
}

/** The saliency map as levels, one byte per pixel, or why the run failed. */
export type InferenceReply = { levels: Uint8Array; error?: undefined } | { error: string; levels?: undefined };

/** The environment variables that configure the process: an ONNX file instead of the packaged model, and onnxruntime's threads. */
export const MODEL_PATH_VARIABLE = 'DARKROOM_SEGMENTATION_MODEL_PATH';
export const THREADS_VARIABLE = 'DARKROOM_SEGMENTATION_THREADS';
