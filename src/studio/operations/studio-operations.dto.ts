import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import { OUTPUT_FORMATS, REMOVAL_MODES, type OutputFormat, type RemovalMode } from '../pipeline/studio-pipeline';
import { BACKGROUND, BACKGROUND_RULE, MAX_SIDE, StudioSourceDto } from './studio.dto';

const isExposure = (value: unknown) => value === 'auto' || value === 'none' || (typeof value === 'number' && value >= -2 && value <= 2);
const IsExposure = () => ValidateBy({ name: 'isExposure', validator: { validate: isExposure, defaultMessage: () => 'exposure must be auto, none or a number from -2 to 2' } });

export class BackgroundRemoveDto extends StudioSourceDto {
  @ApiPropertyOptional({ enum: REMOVAL_MODES, description: 'auto (default): backdrop when the border is a uniform studio backdrop, else model; backdrop: a classical cut from the border colour; model: the ISNet segmentation model, offline' })
  @IsOptional() @IsIn(REMOVAL_MODES)
  mode?: RemovalMode;

  @ApiPropertyOptional({ enum: ['cutout', 'mask'], description: 'cutout (default): the image with an alpha channel, PNG; mask: the alpha alone, a greyscale PNG' })
  @IsOptional() @IsIn(['cutout', 'mask'])
  output?: 'cutout' | 'mask';

  @ApiPropertyOptional({ example: 'removebg', description: 'A provider whose model has the removeBackground capability, instead of the built-in remover (mode then has no part)' })
  @IsOptional() @IsString() @MaxLength(32)
  provider?: string;

  @ApiPropertyOptional({ example: 'removebg', description: "With provider: its model (default: the provider's first model that removes backgrounds)" })
  @IsOptional() @IsString() @MaxLength(64)
  model?: string;
}

export const BACKDROP_PRESETS = ['plain', 'gradient', 'studio-sweep'] as const;

export class BackgroundGenerateDto extends StudioSourceDto {
  @ApiPropertyOptional({ example: 'a marble countertop in soft morning light', maxLength: 4000, description: 'A background to generate through the provider registry; without it, the preset is drawn' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(4000)
  prompt?: string;

  @ApiPropertyOptional({ example: 'photo', description: "With prompt: a style the provider's model takes" })
  @IsOptional() @IsString() @MaxLength(32)
  style?: string;

  @ApiPropertyOptional({ example: 'aura', description: 'With prompt: the provider to generate with (default: the default provider)' })
  @IsOptional() @IsString() @MaxLength(32)
  provider?: string;

  @ApiPropertyOptional({ enum: BACKDROP_PRESETS, description: 'Without prompt: plain (default), gradient or studio-sweep, drawn procedurally' })
  @IsOptional() @IsIn(BACKDROP_PRESETS)
  preset?: (typeof BACKDROP_PRESETS)[number];

  @ApiPropertyOptional({ example: '#e8e4dc', description: "The preset's colour, #rrggbb (default light grey)" })
  @IsOptional() @IsString() @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'colour must be #rrggbb' })
  colour?: `#${string}`;

  @ApiPropertyOptional({ example: 1024, maximum: MAX_SIDE, description: "Canvas width (default: the source's; given height alone, the source's proportions)" })
  @IsOptional() @IsInt() @Min(64) @Max(MAX_SIDE)
  width?: number;

  @ApiPropertyOptional({ example: 1024, maximum: MAX_SIDE, description: "Canvas height (default: the source's; given width alone, the source's proportions)" })
  @IsOptional() @IsInt() @Min(64) @Max(MAX_SIDE)
  height?: number;

  @ApiPropertyOptional({ example: 0.1, minimum: 0, maximum: 0.49, description: 'Space around the product, as a share of the canvas (default 0.1)' })
  @IsOptional() @IsNumber() @Min(0) @Max(0.49)
  margin?: number;

  @ApiPropertyOptional({ enum: OUTPUT_FORMATS, description: 'jpeg (default), png, webp or avif' })
  @IsOptional() @IsIn(OUTPUT_FORMATS)
  format?: OutputFormat;
}

export class RelightShadowDto extends StudioSourceDto {
  @ApiPropertyOptional({ enum: ['none', 'contact', 'drop', 'reflection'], description: 'The shadow to cast (default contact)' })
  @IsOptional() @IsIn(['none', 'contact', 'drop', 'reflection'])
  shadow?: 'none' | 'contact' | 'drop' | 'reflection';

  @ApiPropertyOptional({ minimum: 0, maximum: 360, description: 'Where the light comes from, in degrees clockwise from above (default 0)' })
  @IsOptional() @IsNumber() @Min(0) @Max(360)
  direction?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'How soft the shadow is (default 0.5)' })
  @IsOptional() @IsNumber() @Min(0) @Max(1)
  softness?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'How dark the shadow is (default 0.5)' })
  @IsOptional() @IsNumber() @Min(0) @Max(1)
  opacity?: number;

  @ApiPropertyOptional({ oneOf: [{ type: 'string', enum: ['auto', 'none'] }, { type: 'number', minimum: -2, maximum: 2 }], description: "auto (default): the subject's exposure normalised; none; or a correction in EV from -2 to 2" })
  @IsOptional()
  @IsExposure()
  exposure?: 'auto' | 'none' | number;

  @ApiPropertyOptional({ enum: ['auto', 'none'], description: "auto (default): the subject's white balance normalised; none" })
  @IsOptional() @IsIn(['auto', 'none'])
  whiteBalance?: 'auto' | 'none';

  @ApiPropertyOptional({ example: 'white', description: 'white (default), transparent or #rrggbb' })
  @IsOptional() @IsString() @Matches(BACKGROUND, { message: BACKGROUND_RULE })
  background?: string;

  @ApiPropertyOptional({ enum: OUTPUT_FORMATS, description: 'png (default), jpeg, webp or avif' })
  @IsOptional() @IsIn(OUTPUT_FORMATS)
  format?: OutputFormat;
}

export class UpscaleDto extends StudioSourceDto {
  @ApiPropertyOptional({ enum: [2, 4], description: 'How many times larger on each side (default 2)' })
  @IsOptional() @IsIn([2, 4])
  factor?: 2 | 4;

  @ApiPropertyOptional({ enum: OUTPUT_FORMATS, description: "Default: built in, the source's format when it is one of these, else png; through a provider, png" })
  @IsOptional() @IsIn(OUTPUT_FORMATS)
  format?: OutputFormat;

  @ApiPropertyOptional({ example: 'my-upscaler', description: 'A provider whose model has the upscale capability; without it, the built-in Lanczos3 upscale with sharpening' })
  @IsOptional() @IsString() @MaxLength(32)
  provider?: string;
}
