import {
  optionProblems, PROVIDER_SDK_VERSION, ProviderError, ProviderPlugin,
  type EditInput, type GenerateInput, type ImageEditor, type ImageGenerator, type ImageOutput,
  type ProviderCallContext, type ProviderHealth, type ProviderModel,
} from '../../../src/plugins';
import { GoogleClient } from './google-client';
import { contentRequest, imagesOfContent, imagesOfPrediction, listPrice, predictRequest } from './google-mapping';
import {
  DEFAULT_MODELS, GOOGLE_API, GoogleCredentials, googleModel, GoogleOptions, modelOptionProblems, type GoogleModel, type GoogleModelOptions,
} from './google-options.dto';

/**
 * Google's image models on the Gemini API through the official `@google/genai` client: Gemini
 * image models ("nano banana") generate and edit through generateContent, answering the image
 * inline; Imagen models generate through `:predict`. Which Google model backs each Darkroom model
 * is the id's `models` option, since Google retires them.
 */
@ProviderPlugin({
  id: 'google',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'Google (Gemini, Imagen)',
  description: 'Google Gemini image models (gemini-2.5-flash-image unless configured): text to image, and edits of up to 3 source images from an instruction; Imagen models where configured.',
  models: DEFAULT_MODELS.map(googleModel).map(providerModel),
  byok: true,
  credentials: GoogleCredentials,
})
export class GoogleProvider implements Partial<ImageGenerator & ImageEditor> {
  /** Each id's models are the ones its options configure (Gemini 2.5 Flash Image by default). */
  static modelsFor(options: Record<string, unknown>): ProviderModel[] {
    return modelsOf(options).map(providerModel);
  }

  static validateOptions(options: Record<string, unknown>): string[] {
    const problems = optionProblems(GoogleOptions, options);
    return problems.length ? problems : modelOptionProblems((options as GoogleOptions).models ?? DEFAULT_MODELS);
  }

  /**
   * Only the operations this id's models declare: the registry refuses an operation method no model
   * declares, and an id may configure Imagen models alone (which cannot edit).
   */
  readonly generate?: (input: GenerateInput, ctx: ProviderCallContext) => Promise<ImageOutput[]>;
  readonly edit?: (input: EditInput, ctx: ProviderCallContext) => Promise<ImageOutput[]>;

  private readonly baseUrl: string;
  private readonly models: GoogleModel[];

  constructor(options: Record<string, unknown>) {
    this.baseUrl = ((options as GoogleOptions).baseUrl ?? GOOGLE_API).replace(/\/+$/, '');
    this.models = modelsOf(options);
    const offers = (operation: 'generate' | 'edit') => this.models.some((m) => m.operations.includes(operation));
    if (offers('generate')) this.generate = (input, ctx) => this.generateWith(this.model(input.model), input, ctx);
    if (offers('edit')) this.edit = (input, ctx) => this.editWith(input, ctx);
  }

  /** The key's model list (`GET /v1beta/models`): a wrong key fails it, and a configured model Google no longer lists is named. */
  async health(ctx: ProviderCallContext): Promise<ProviderHealth> {
    if (!ctx.credentials) return { ok: true, detail: 'no platform key to check with' };
    try {
      const listed = new Set(await new GoogleClient(this.baseUrl, ctx).listModels());
      const gone = this.models.filter((m) => !listed.has(m.model)).map((m) => m.model);
      return gone.length ? { ok: false, detail: `google does not offer the model(s) ${gone.join(', ')}` } : { ok: true };
    } catch (err) {
      if (err instanceof ProviderError) return { ok: false, detail: err.message };
      throw err;
    }
  }

  private generateWith(model: GoogleModel, input: GenerateInput, ctx: ProviderCallContext): Promise<ImageOutput[]> {
    return model.api === 'imagen' ? this.predict(model, input, ctx) : this.content(model, input, ctx);
  }

  private async editWith(input: EditInput, ctx: ProviderCallContext): Promise<ImageOutput[]> {
    if (!input.images.length) throw new ProviderError('invalid_input', 'google: an edit needs at least one source image');
    return this.content(this.model(input.model), input, ctx);
  }

  private async content(model: GoogleModel, input: GenerateInput | EditInput, ctx: ProviderCallContext): Promise<ImageOutput[]> {
    const response = await new GoogleClient(this.baseUrl, ctx).generateContent(contentRequest(model, input, ctx.signal));
    ctx.report({ requestId: response.responseId, cost: listPrice(model, 1) });
    return imagesOfContent(response);
  }

  private async predict(model: GoogleModel, input: GenerateInput, ctx: ProviderCallContext): Promise<ImageOutput[]> {
    const answer = await new GoogleClient(this.baseUrl, ctx).predict(model.model, predictRequest(model, input));
    const images = await imagesOfPrediction(answer);
    ctx.report({ cost: listPrice(model, images.length) });
    return images;
  }

  private model(id: string): GoogleModel {
    const model = this.models.find((m) => m.id === id);
    if (!model) throw new ProviderError('invalid_input', `google: no model "${id}" is configured`);
    return model;
  }
}

function modelsOf(options: Record<string, unknown>): GoogleModel[] {
  return ((options as GoogleOptions).models ?? DEFAULT_MODELS).map((m: GoogleModelOptions) => googleModel(m));
}

function providerModel(m: GoogleModel): ProviderModel {
  return {
    id: m.id,
    name: m.name ?? m.id,
    description: m.description ?? `${m.model}, on the Gemini API`,
    operations: m.operations,
    sizes: Object.keys(m.sizes),
    // Google answers PNG; the core converts to the format asked.
    formats: ['png', 'jpeg', 'webp'],
    maxImagesPerCall: m.maxImagesPerCall,
    ...(m.operations.includes('edit') ? { maxSourceImages: m.maxSourceImages } : {}),
    seed: false,
    price: (quote) => quote.n * m.credits,
    ...(m.usdPerImage === undefined ? {} : { providerPrice: (quote) => listPrice(m, quote.n)! }),
  };
}
