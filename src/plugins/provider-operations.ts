import type { ProviderCallContext } from './provider-context';
import type { ProviderError } from './provider-error';
import type { ImageFormat, ProviderOperation } from './provider-models';

/**
 * The operations a provider can offer, one small interface each: a plugin implements those its
 * models declare, and the registry refuses to start when a declared operation has no method or a
 * method has no declared operation.
 */
export interface SourceImage {
  data: Buffer;
  mimeType: string;
}

export interface GenerateInput {
  model: string;
  prompt: string;
  negativePrompt?: string;
  style?: string;
  width: number;
  height: number;
  format: ImageFormat;
  /** How many images, at most the model's maxImagesPerCall; the n-th uses seed + n where the model takes seeds. */
  n: number;
  seed: number;
  /** The request's `providerOptions` for this provider id, already checked against the plugin's `requestOptions`. */
  options?: Record<string, unknown>;
}

export interface EditInput extends GenerateInput {
  /** At most the model's maxSourceImages (1 unless it says more). */
  images: SourceImage[];
  /**
   * Only for models that declare `mask`: a PNG the size of the first image whose fully transparent
   * pixels are the area to change (OpenAI's convention); a plugin turns it into its backend's.
   */
  mask?: SourceImage;
}

export interface UpscaleInput {
  model: string;
  image: SourceImage;
  /** The size to reach. */
  width: number;
  height: number;
  format: ImageFormat;
}

export interface RemoveBackgroundInput {
  model: string;
  image: SourceImage;
  format: ImageFormat;
}

export interface VideoInput {
  model: string;
  prompt: string;
  negativePrompt?: string;
  /** A first frame to animate, when the model takes one. */
  image?: SourceImage;
  width: number;
  height: number;
  durationSeconds: number;
  seed: number;
  /** The request's `providerOptions` for this provider id, already checked against the plugin's `requestOptions`. */
  options?: Record<string, unknown>;
}

/** An image in hand. `seed` is the one that made it, when the backend says. */
export interface ImageBytes {
  data: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
  seed?: number;
}

/** An image the backend keeps for a while: the core downloads it through its outbound client, within byte and pixel bounds. */
export interface ImageAtUrl {
  url: string;
  seed?: number;
}

export type ImageOutput = ImageBytes | ImageAtUrl;

/** A video is streamed, never held whole in memory. */
export interface VideoFile {
  stream: AsyncIterable<Uint8Array>;
  mimeType: string;
  durationSeconds: number;
  width: number;
  height: number;
}

export interface VideoAtUrl {
  url: string;
  mimeType?: string;
  durationSeconds?: number;
}

export type VideoOutput = VideoFile | VideoAtUrl;
export type ProviderOutput = ImageOutput | VideoOutput;

export interface ImageGenerator {
  generate(input: GenerateInput, ctx: ProviderCallContext): Promise<ImageOutput[]>;
}

export interface ImageEditor {
  edit(input: EditInput, ctx: ProviderCallContext): Promise<ImageOutput[]>;
}

export interface Upscaler {
  upscale(input: UpscaleInput, ctx: ProviderCallContext): Promise<ImageOutput[]>;
}

export interface BackgroundRemover {
  removeBackground(input: RemoveBackgroundInput, ctx: ProviderCallContext): Promise<ImageOutput[]>;
}

export interface VideoGenerator {
  generateVideo(input: VideoInput, ctx: ProviderCallContext): Promise<VideoOutput[]>;
}

/** The method each operation is called through. */
export const OPERATION_METHODS = {
  generate: 'generate',
  edit: 'edit',
  upscale: 'upscale',
  removeBackground: 'removeBackground',
  video: 'generateVideo',
} as const satisfies Record<ProviderOperation, string>;

/** One operation with its input: what `submit` is given. */
export type ProviderRequest =
  | { operation: 'generate'; input: GenerateInput }
  | { operation: 'edit'; input: EditInput }
  | { operation: 'upscale'; input: UpscaleInput }
  | { operation: 'removeBackground'; input: RemoveBackgroundInput }
  | { operation: 'video'; input: VideoInput };

/**
 * Where remote work stands. `failed` is the work's own end (moderated, the model crashed): the core
 * forgets the remote id, so a retry submits again. A poll that throws is a failed question, not
 * failed work: a retry polls the same remote id again.
 */
export type PollResult =
  | { status: 'pending'; /** When to ask again; the core picks a default otherwise. */ retryAfterMs?: number }
  | { status: 'done'; outputs: ProviderOutput[] }
  | { status: 'failed'; error: ProviderError };

/**
 * For slow backends (queues, video): the core submits once, records the remote id on the job, and
 * polls; a job run again after a crash polls the same remote work instead of paying for it twice. A
 * plugin with `submit` and `poll` serves every operation it declares through them.
 */
export interface RemoteWork {
  submit(request: ProviderRequest, ctx: ProviderCallContext): Promise<{ remoteId: string }>;
  poll(remoteId: string, ctx: ProviderCallContext): Promise<PollResult>;
  /** Asks the backend to stop (the job was cancelled); best effort. */
  cancel?(remoteId: string, ctx: ProviderCallContext): Promise<void>;
  /**
   * For backends that post to a URL when work ends: when PROVIDER_WEBHOOKS is on, `submit` finds
   * the URL in `ctx.webhookUrl` and hands it to the backend. A delivery is checked here (its
   * signature, with the call's credentials) and names the remote work it is about, or null when it
   * is not genuine (answered 401). The core then polls that work at once: a delivery only wakes the
   * poll, so a forged or replayed one can never stand in for the backend's answer.
   */
  verifyWebhook?(delivery: ProviderWebhookDelivery, ctx: ProviderCallContext): Promise<{ remoteId: string } | null>;
}

/** A POST the backend made to `ctx.webhookUrl`: header names lower-cased, the body as sent. */
export interface ProviderWebhookDelivery {
  headers: Record<string, string | undefined>;
  body: Buffer;
  /**
   * The remote work the job waits on, as `submit` named it: a backend whose delivery names its work
   * another way (fal: the bare request id) answers the one of these it is about.
   */
  remoteIds: string[];
}
