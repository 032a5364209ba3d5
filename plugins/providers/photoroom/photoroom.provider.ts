import {
  optionProblems,
  PROVIDER_SDK_VERSION,
  ProviderPlugin,
  type BackgroundRemover,
  type ImageBytes,
  type ProviderCallContext,
  type ProviderHealth,
  type RemoveBackgroundInput,
} from '../../../src/plugins';
import { PhotoroomClient } from './photoroom-client';
import { imageFile, outputOf, PHOTOROOM_FORMATS } from './photoroom-mapping';
import { photoroomModels } from './photoroom-models';
import { PHOTOROOM_ACCOUNT_URL, PHOTOROOM_BASE_URL, PHOTOROOM_PRICE_USD, PhotoroomCredentials, PhotoroomOptions } from './photoroom-options.dto';

const trimmed = (url: string) => url.replace(/\/$/, '');

/**
 * Photoroom's Basic API: background removal as a product-photo step, one multipart POST answered
 * with the image's bytes, transparent or laid on the id's `bgColor` (a white packshot).
 */
@ProviderPlugin({
  id: 'photoroom',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'Photoroom',
  description: "Photoroom's product-photo background removal: a cut-out on a transparent background, or on a colour such as white.",
  models: photoroomModels({}),
  byok: true,
  credentials: PhotoroomCredentials,
})
export class PhotoroomProvider implements BackgroundRemover {
  static validateOptions = (options: Record<string, unknown>) => optionProblems(PhotoroomOptions, options);
  static modelsFor = (options: Record<string, unknown>) => photoroomModels(options as PhotoroomOptions);

  private readonly client: PhotoroomClient;
  private readonly options: PhotoroomOptions;

  constructor(options: Record<string, unknown>) {
    this.options = options as PhotoroomOptions;
    const baseUrl = this.options.baseUrl ?? PHOTOROOM_BASE_URL;
    // A proxy or a fake given as baseUrl serves the account too, unless its own host is named.
    this.client = new PhotoroomClient(trimmed(baseUrl), trimmed(this.options.accountBaseUrl ?? (this.options.baseUrl ?? PHOTOROOM_ACCOUNT_URL)));
  }

  async removeBackground(input: RemoveBackgroundInput, ctx: ProviderCallContext): Promise<ImageBytes[]> {
    const result = await this.client.segment({
      image_file: imageFile(input.image),
      format: PHOTOROOM_FORMATS[input.format] ?? 'png',
      channels: 'rgba',
      bg_color: this.options.bgColor,
      size: this.options.size,
    }, ctx);
    // Photoroom's answer does not say what it cost: its list price.
    ctx.report({ requestId: result.requestId, cost: { amount: PHOTOROOM_PRICE_USD, currency: 'USD' } });
    return [await outputOf(result.data, input.format)];
  }

  /** The key works when the account answers. */
  async health(ctx: ProviderCallContext): Promise<ProviderHealth> {
    return { ok: true, detail: `${await this.client.imagesLeft(ctx)} images left` };
  }
}
