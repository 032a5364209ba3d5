import {
  optionProblems,
  PROVIDER_SDK_VERSION,
  ProviderError,
  ProviderPlugin,
  type BackgroundRemover,
  type EditInput,
  type GenerateInput,
  type ImageBytes,
  type ImageEditor,
  type ImageGenerator,
  type ProviderCallContext,
  type ProviderHealth,
  type RemoveBackgroundInput,
  type UpscaleInput,
  type Upscaler,
} from '../../../src/plugins';
import { StabilityClient, type StabilityField } from './stability-client';
import { eraseFields, generateFields, imageField, inpaintFields, outpaintFields, outputOf, searchAndReplaceFields } from './stability-mapping';
import { STABILITY_MODELS } from './stability-models';
import {
  STABILITY_BASE_URL,
  STABILITY_POLL_INTERVAL_MS,
  STABILITY_SD3_MODEL,
  STABILITY_UPSCALE_PROMPT,
  StabilityCredentials,
  StabilityOptions,
  StabilityRequestOptions,
} from './stability-options.dto';

/** The form each edit model sends its service (`stable-image/edit/<model>`). */
const EDIT_FIELDS = new Map<string, (input: EditInput) => Promise<Record<string, StabilityField | undefined>>>([
  ['inpaint', inpaintFields],
  ['erase', eraseFields],
  ['search-and-replace', searchAndReplaceFields],
  ['outpaint', outpaintFields],
]);

/**
 * Stability AI's Stable Image REST API (v2beta): text-to-image (core, ultra, sd3), inpaint, erase,
 * search-and-replace, outpaint, background removal, and the fast and creative upscalers. Each call
 * is one multipart POST answered with the image, except the creative upscaler, whose result is
 * polled. A request's `providerOptions.stability` (StabilityRequestOptions) reaches the edits.
 */
@ProviderPlugin({
  id: 'stability',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'Stability AI',
  description: 'Stable Image Core, Ultra and SD 3.5 text-to-image, inpaint, erase, search-and-replace, outpaint, background removal and upscaling.',
  models: STABILITY_MODELS,
  byok: true,
  credentials: StabilityCredentials,
  requestOptions: StabilityRequestOptions,
})
export class StabilityProvider implements ImageGenerator, ImageEditor, Upscaler, BackgroundRemover {
  static validateOptions = (options: Record<string, unknown>) => optionProblems(StabilityOptions, options);

  private readonly client: StabilityClient;
  private readonly options: Required<Omit<StabilityOptions, 'baseUrl'>>;

  constructor(options: Record<string, unknown>) {
    const given = options as StabilityOptions;
    this.client = new StabilityClient((given.baseUrl ?? STABILITY_BASE_URL).replace(/\/$/, ''));
    this.options = {
      sd3Model: given.sd3Model ?? STABILITY_SD3_MODEL,
      pollIntervalMs: given.pollIntervalMs ?? STABILITY_POLL_INTERVAL_MS,
      upscalePrompt: given.upscalePrompt ?? STABILITY_UPSCALE_PROMPT,
    };
  }

  async generate(input: GenerateInput, ctx: ProviderCallContext): Promise<ImageBytes[]> {
    const fields = input.model === 'sd3' ? generateFields(input, { model: this.options.sd3Model }) : generateFields(input);
    return [await outputOf(await this.client.image(`stable-image/generate/${input.model}`, fields, ctx), input.format)];
  }

  async edit(input: EditInput, ctx: ProviderCallContext): Promise<ImageBytes[]> {
    const fieldsOf = EDIT_FIELDS.get(input.model);
    if (!fieldsOf) throw new ProviderError('invalid_input', `stability: no edit model "${input.model}"`);
    const fields = await fieldsOf(input);
    return [await outputOf(await this.client.image(`stable-image/edit/${input.model}`, fields, ctx), input.format, input)];
  }

  async removeBackground(input: RemoveBackgroundInput, ctx: ProviderCallContext): Promise<ImageBytes[]> {
    const fields = { image: imageField(input.image), output_format: input.format };
    return [await outputOf(await this.client.image('stable-image/edit/remove-background', fields, ctx), input.format)];
  }

  /** Fast answers at once (4x); creative answers an id whose result is polled every `pollIntervalMs`. */
  async upscale(input: UpscaleInput, ctx: ProviderCallContext): Promise<ImageBytes[]> {
    const image = imageField(input.image);
    if (input.model === 'upscale-fast') {
      return [await outputOf(await this.client.image('stable-image/upscale/fast', { image, output_format: input.format }, ctx), input.format, input)];
    }
    if (input.model !== 'upscale-creative') throw new ProviderError('invalid_input', `stability: no upscaler "${input.model}"`);
    const id = await this.client.start('stable-image/upscale/creative', { image, prompt: this.options.upscalePrompt, output_format: input.format }, ctx);
    ctx.logger.debug('creative upscale started', { remoteId: id });
    return [await outputOf(await this.client.result(id, this.options.pollIntervalMs, ctx), input.format, input)];
  }

  /** The key works when the account's balance answers. */
  async health(ctx: ProviderCallContext): Promise<ProviderHealth> {
    const credits = await this.client.balance(ctx);
    return { ok: true, detail: `${credits} credits left` };
  }
}
