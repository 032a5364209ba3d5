import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import type { Plan } from '../../config/plans';
import { modelTakesSize, smallestSize } from '../../plugins/provider-models';
import { ProviderRouter } from '../../providers/provider-router';
import type { MarketplaceSlotDto } from '../marketplaces/marketplace-pack.dto';
import { MarketplacePacks } from '../marketplaces/marketplace-packs';
import type { StudioOperation } from './studio-operations';
import type { BackgroundGenerateDto, BackgroundRemoveDto, UpscaleDto } from './studio-operations.dto';
import type { ProcessDto } from './studio.dto';
import type { SourceFacts } from './studio-sources';

const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });

/** A form's fields that hold numbers, per operation (`margin` is read as JSON: a number or an object). */
export const STUDIO_FORM_NUMBERS: Record<StudioOperation, string[]> = {
  process: ['width', 'height', 'jpegQuality', 'maxBytes'],
  compliance: [],
  'backgrounds.remove': [],
  'backgrounds.generate': ['width', 'height'],
  'relight.shadow': ['direction', 'softness', 'opacity', 'exposure'],
  upscale: ['factor'],
};

/**
 * What the studio's DTOs cannot check alone: the preset named, the provider asked for, and the
 * output's pixels against the plan (sizes depend on the preset or the source). Each answers before
 * anything is stored, queued or charged.
 */
@Injectable()
export class StudioRequestChecks {
  constructor(private readonly packs: MarketplacePacks, private readonly router: ProviderRouter) {}

  /** The slot a preset names; an unknown id is named with the known ones. */
  slot(id: string, field: string): MarketplaceSlotDto {
    const slots = this.packs.all().flatMap((pack) => pack.slots);
    const slot = slots.find((s) => s.id === id);
    if (!slot) throw invalid(field, `${field}: no marketplace has a slot "${id}"; known slots: ${slots.map((s) => s.id).join(', ')}`);
    return slot;
  }

  /** The options /process will run with, the preset's defaults under the fields given. */
  process(dto: ProcessDto, plan: Plan, source: SourceFacts): Record<string, unknown> {
    const preset = dto.preset === undefined ? undefined : this.slot(dto.preset, 'preset').defaults;
    const format = dto.format ?? preset?.format ?? 'jpeg';
    const background = dto.background ?? preset?.background ?? 'white';
    if (background === 'transparent' && format === 'jpeg') throw invalid('background', 'A transparent background needs png, webp or avif: JPEG has no alpha');
    const { width, height } = canvasOf(dto.width ?? preset?.width, dto.height ?? preset?.height, source);
    assertPixels(width, height, plan);
    return { width, height, format, background };
  }

  /** With a prompt, the provider and model that will draw the background, at a size the model takes. */
  generatedBackground(dto: BackgroundGenerateDto, plan: Plan, source: SourceFacts): Record<string, unknown> {
    const { width, height } = canvasOf(dto.width, dto.height, source);
    assertPixels(width, height, plan);
    if (dto.prompt === undefined) {
      if (dto.provider !== undefined || dto.style !== undefined) throw invalid(dto.provider !== undefined ? 'provider' : 'style', 'provider and style go with a prompt');
      return { width, height };
    }
    const route = this.router.route('generate', dto.provider);
    this.router.check(route, { style: dto.style, format: 'png' });
    // The background is drawn at a size the model takes and then cropped to cover the canvas.
    const drawn = modelTakesSize(route.model, 1024, 1024) ? { width: 1024, height: 1024 } : smallestSize(route.model.sizes);
    return { width, height, provider: route.provider.id, model: route.model.id, backgroundSize: drawn };
  }

  /** With a provider, one whose model removes backgrounds and answers PNG (the cut-out keeps its alpha); the built-in remover's mode has no part then. */
  removal(dto: BackgroundRemoveDto): Record<string, unknown> {
    if (dto.provider === undefined) {
      if (dto.model !== undefined) throw invalid('model', 'model goes with provider');
      return {};
    }
    if (dto.mode !== undefined) throw invalid('mode', "mode chooses how the built-in remover cuts; with a provider, the provider's model does");
    const route = this.router.route('removeBackground', dto.provider, dto.model);
    this.router.check(route, { format: 'png' });
    return { provider: route.provider.id, model: route.model.id };
  }

  /** The output's pixels against the plan; with a provider, one whose model upscales. */
  upscale(dto: UpscaleDto, plan: Plan, source: SourceFacts): Record<string, unknown> {
    const factor = dto.factor ?? 2;
    assertPixels(source.width * factor, source.height * factor, plan);
    if (dto.provider === undefined) return { factor };
    const route = this.router.route('upscale', dto.provider);
    const size = { width: source.width * factor, height: source.height * factor };
    this.router.check(route, { format: dto.format ?? 'png', ...size });
    return { factor, provider: route.provider.id, model: route.model.id, ...size };
  }
}

/** The canvas asked; a side not given keeps the source's proportions, and neither given is the source's size. */
function canvasOf(width: number | undefined, height: number | undefined, source: SourceFacts): { width: number; height: number } {
  if (width !== undefined && height !== undefined) return { width, height };
  if (width !== undefined) return { width, height: Math.max(1, Math.round((width * source.height) / source.width)) };
  if (height !== undefined) return { width: Math.max(1, Math.round((height * source.width) / source.height)), height };
  return { width: source.width, height: source.height };
}

function assertPixels(width: number, height: number, plan: Plan): void {
  if (width * height > plan.maxSourcePixels) {
    throw new AppError('payload_too_large', `The output would be ${width}x${height}, over the ${plan.name} plan's ${plan.maxSourcePixels / 1e6} megapixels`, { maxSourcePixels: plan.maxSourcePixels });
  }
}
