import {
  PROVIDER_SDK_VERSION,
  ProviderPlugin,
  type EditInput,
  type GenerateInput,
  type ImageEditor,
  type ImageGenerator,
  type ImageOutput,
  type ProviderCallContext,
  type ProviderHealth,
} from '../../../src/plugins';
import { checkModel, editImages, generateImages } from './openai-client';
import { OPENAI_MODELS } from './openai-models';
import { OpenAICredentials, openaiOptionProblems, OpenAIRequestOptions, openaiSettings, type OpenAISettings } from './openai-options';

/**
 * OpenAI's GPT image models through the official `openai` client: generation, and edits of one or
 * several sources with an optional mask. A request picks the quality by model id; the OpenAI model,
 * the background and the moderation level are the id's options, and a request may override the
 * last two (and ask for an output compression) under `providerOptions.openai`.
 */
@ProviderPlugin({
  id: 'openai',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'OpenAI',
  description: 'OpenAI GPT image models (gpt-image-1.5 unless configured): text to image, and edits of up to 16 source images with an optional mask.',
  models: OPENAI_MODELS,
  byok: true,
  credentials: OpenAICredentials,
  requestOptions: OpenAIRequestOptions,
})
export class OpenAIProvider implements ImageGenerator, ImageEditor {
  static validateOptions = openaiOptionProblems;

  private readonly settings: OpenAISettings;

  constructor(options: Record<string, unknown>) {
    this.settings = openaiSettings(options);
  }

  generate(input: GenerateInput, ctx: ProviderCallContext): Promise<ImageOutput[]> {
    return generateImages(this.settings, input, ctx);
  }

  edit(input: EditInput, ctx: ProviderCallContext): Promise<ImageOutput[]> {
    return editImages(this.settings, input, ctx);
  }

  health(ctx: ProviderCallContext): Promise<ProviderHealth> {
    return checkModel(this.settings, ctx);
  }
}
