import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidateNested } from 'class-validator';
import { OUTPUT_FORMATS, REMOVAL_MODES, type OutputFormat, type RemovalMode } from '../pipeline/studio-pipeline';
import { ComplianceReportDto, SlotReportDto } from '../compliance/compliance.dto';
import { oneFile, StudioImageDto } from './studio-image.dto';

export const BACKGROUND = /^(white|transparent|#[0-9a-fA-F]{6})$/;
export const BACKGROUND_RULE = 'background must be white, transparent or #rrggbb';
/** The largest canvas a studio operation makes on a side; the plan's maxSourcePixels bounds its area. */
export const MAX_SIDE = 10_000;

/** What every studio operation takes: its source image. */
export class StudioSourceDto {
  @ApiProperty({ type: StudioImageDto, description: 'The source: base64 data, a gallery imageId or a url; in a form, the file `image`' })
  @Transform(oneFile)
  @IsObject()
  @ValidateNested()
  @Type(() => StudioImageDto)
  image!: StudioImageDto;
}

const SHARE = { type: 'number', minimum: 0, maximum: 0.49 } as const;
const isShare = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 0.49;
const SIDES = ['top', 'right', 'bottom', 'left'];
export type Margin = number | { top: number; right: number; bottom: number; left: number };

/** One share for every side, or one per side. */
const IsMargin = () =>
  ValidateBy({
    name: 'isMargin',
    validator: {
      validate: (value: unknown) =>
        isShare(value) ||
        (typeof value === 'object' && value !== null && !Array.isArray(value) &&
          Object.keys(value).length === 4 && SIDES.every((side) => isShare((value as Record<string, unknown>)[side]))),
      defaultMessage: () => 'margin must be a number from 0 to 0.49, or {top, right, bottom, left} each from 0 to 0.49',
    },
  });

export class ProcessDto extends StudioSourceDto {
  @ApiPropertyOptional({ example: 2000, maximum: MAX_SIDE, description: "Canvas width; default: the preset's, else the source's (given height alone, the source's proportions)" })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_SIDE)
  width?: number;

  @ApiPropertyOptional({ example: 2000, maximum: MAX_SIDE, description: "Canvas height; default: the preset's, else the source's (given width alone, the source's proportions)" })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_SIDE)
  height?: number;

  @ApiPropertyOptional({
    oneOf: [SHARE, { type: 'object', properties: { top: SHARE, right: SHARE, bottom: SHARE, left: SHARE }, required: SIDES, additionalProperties: false }],
    example: 0.08,
    description: "Space around the subject as a share of the canvas: one number for every side, or {top, right, bottom, left}; default 0.05, or the preset's fill",
  })
  @IsOptional()
  @IsMargin()
  margin?: Margin;

  @ApiPropertyOptional({ example: 'white', description: 'white (default), transparent or #rrggbb' })
  @IsOptional() @IsString() @Matches(BACKGROUND, { message: BACKGROUND_RULE })
  background?: string;

  @ApiPropertyOptional({ enum: ['contain', 'cover'], description: 'contain (default): the whole subject fits inside the margins; cover: the subject fills the space inside the margins, cropped where it overflows' })
  @IsOptional() @IsIn(['contain', 'cover'])
  fit?: 'contain' | 'cover';

  @ApiPropertyOptional({ enum: OUTPUT_FORMATS, description: 'jpeg (default), png, webp or avif' })
  @IsOptional() @IsIn(OUTPUT_FORMATS)
  format?: OutputFormat;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'JPEG quality to start from (default 90); lowered as needed to meet maxBytes. WebP starts at 80 and AVIF at 50' })
  @IsOptional() @IsInt() @Min(1) @Max(100)
  jpegQuality?: number;

  @ApiPropertyOptional({ example: 10000000, minimum: 1024, description: 'Keep the file under this many bytes' })
  @IsOptional() @IsInt() @Min(1024)
  maxBytes?: number;

  @ApiPropertyOptional({ enum: [...REMOVAL_MODES, 'none'], description: 'auto (default): backdrop when the border is a uniform studio backdrop, else model; none keeps the background' })
  @IsOptional() @IsIn([...REMOVAL_MODES, 'none'])
  removeBackground?: RemovalMode | 'none';

  @ApiPropertyOptional({ enum: ['none', 'contact', 'drop'], description: 'A procedural shadow under the subject (default none)' })
  @IsOptional() @IsIn(['none', 'contact', 'drop'])
  shadow?: 'none' | 'contact' | 'drop';

  @ApiPropertyOptional({ example: 'amazon-main', description: 'A marketplace slot (GET /api/v1/marketplaces): its defaults set every field not given, and the answer carries its compliance report' })
  @IsOptional() @IsString() @MaxLength(100)
  preset?: string;

  @ApiPropertyOptional({ example: 'Amazon hero shot', maxLength: 100, description: 'Your name for this preset, echoed back' })
  @IsOptional() @IsString() @MaxLength(100)
  presetLabel?: string;
}

export class StepDto {
  @ApiProperty({ example: 'removeBackground' }) name!: string;
  @ApiProperty({ example: 412.5, description: 'Milliseconds' }) ms!: number;
}

/** The answer of a studio route whose job finished within STUDIO_WAIT_SECONDS. */
export class StudioResultDto {
  @ApiProperty({ description: 'The job that did the work (GET /api/v1/jobs/:id)' }) jobId!: string;
  @ApiProperty({ description: 'The output, now in the gallery' }) imageId!: string;
  @ApiProperty({ description: 'Signed download link, valid for FILE_LINK_TTL_SECONDS' }) url!: string;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty({ enum: OUTPUT_FORMATS }) format!: string;
  @ApiProperty() bytes!: number;
  @ApiProperty({ type: [StepDto], description: 'The steps run, in order, with their milliseconds' }) steps!: StepDto[];
  @ApiPropertyOptional({ type: [SlotReportDto], description: "With a preset (or /compliance with fix): the output's compliance report" }) compliance?: SlotReportDto[];
  @ApiPropertyOptional({ description: 'presetLabel, echoed' }) presetLabel?: string;
  @ApiProperty({ description: 'Credits charged' }) cost!: number;
  @ApiProperty() creditsBalance!: number;
}

/** POST /api/v1/compliance with fix: the source's reports, and the fixed image with its own. */
export class ComplianceFixedDto extends ComplianceReportDto {
  @ApiProperty({ type: StudioResultDto, description: 'The fixed image, with its reports against the same slots (`compliance`)' })
  fixed!: StudioResultDto;
}
