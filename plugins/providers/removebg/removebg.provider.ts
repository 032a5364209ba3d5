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
import { RemoveBgClient } from './removebg-client';
import { imageFile, outputOf } from './removebg-mapping';
import { removeBgModels } from './removebg-models';
import { REMOVEBG_BASE_URL, RemoveBgCredentials, RemoveBgOptions } from './removebg-options.dto';

/**
 * remove.bg: background removal, one multipart POST answered with the cut-out's bytes. Its size and
 * foreground type are the id's options; what each call cost (X-Credits-Charged) is reported in
 * remove.bg credits.
 */
@ProviderPlugin({
  id: 'removebg',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'remove.bg',
  description: "remove.bg's background removal: people, products, animals and cars cut out on a transparent background.",
  models: removeBgModels({}),
  byok: true,
  credentials: RemoveBgCredentials,
})
export class RemoveBgProvider implements BackgroundRemover {
  static validateOptions = (options: Record<string, unknown>) => optionProblems(RemoveBgOptions, options);
  static modelsFor = (options: Record<string, unknown>) => removeBgModels(options as RemoveBgOptions);

  private readonly client: RemoveBgClient;
  private readonly options: RemoveBgOptions;

  constructor(options: Record<string, unknown>) {
    this.options = options as RemoveBgOptions;
    this.client = new RemoveBgClient((this.options.baseUrl ?? REMOVEBG_BASE_URL).replace(/\/$/, ''));
  }

  /** Always asks for a PNG (alpha kept); another format asked is converted from it. */
  async removeBackground(input: RemoveBackgroundInput, ctx: ProviderCallContext): Promise<ImageBytes[]> {
    const result = await this.client.removeBackground({
      image_file: imageFile(input.image),
      size: this.options.size ?? 'auto',
      type: this.options.type ?? 'auto',
      format: 'png',
    }, ctx);
    ctx.report({ requestId: result.requestId, cost: result.cost });
    return [await outputOf(result.data, input.format)];
  }

  /** The key works when the account answers. */
  async health(ctx: ProviderCallContext): Promise<ProviderHealth> {
    return { ok: true, detail: `${await this.client.credits(ctx)} credits left` };
  }
}
