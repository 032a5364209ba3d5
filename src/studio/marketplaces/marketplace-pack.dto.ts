import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { COMPARISONS, expectedProblem, METRIC_NAMES, METRICS, type Comparison, type Metric } from './marketplace-metrics';
import { OUTPUT_FORMATS } from '../pipeline/studio-pipeline';

/** Lower-case words joined by hyphens: ids end up in URLs and in `/process` presets. */
const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ID_MESSAGE = '$property must be lower-case letters and digits joined by hyphens, got "$value"';

@ValidatorConstraint({ name: 'expectedFitsMetric' })
class ExpectedFitsMetric implements ValidatorConstraintInterface {
  validate(expected: unknown, args: ValidationArguments): boolean {
    const rule = args.object as MarketplaceRuleDto;
    return expectedProblem(rule.metric, rule.comparison, expected) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    const rule = args.object as MarketplaceRuleDto;
    return expectedProblem(rule.metric, rule.comparison, args.value) ?? 'expected is invalid';
  }
}

export class MarketplaceRuleDto {
  @ApiProperty({ example: 'background-white', description: 'Unique within its slot; compliance reports name it' })
  @Matches(ID, { message: ID_MESSAGE })
  id!: string;

  @ApiProperty({ example: 'The background is pure white (255, 255, 255)' })
  @IsString()
  @MaxLength(300)
  description!: string;

  @ApiProperty({ enum: METRIC_NAMES, description: `What the studio measures: ${METRIC_NAMES.map((m) => `${m} (${METRICS[m].description})`).join('; ')}` })
  @IsIn(METRIC_NAMES)
  metric!: Metric;

  @ApiProperty({ enum: COMPARISONS, description: 'How the measure is held against `expected`: atLeast, atMost and equals take one value, between takes [min, max], oneOf a list' })
  @IsIn(COMPARISONS)
  comparison!: Comparison;

  @ApiProperty({
    description: "The value required, in the metric's unit: a number, a W:H ratio, a boolean, [min, max] for between or a list for oneOf",
    oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }, { type: 'array', items: { oneOf: [{ type: 'number' }, { type: 'string' }] } }],
    example: 0.98,
  })
  @Validate(ExpectedFitsMetric)
  expected!: number | string | boolean | (number | string)[];

  @ApiProperty({ enum: ['error', 'warning'], description: 'An error fails the slot; a warning is reported only' })
  @IsIn(['error', 'warning'])
  severity!: 'error' | 'warning';

  @ApiProperty({ description: 'Whether `/compliance` with fix: true can make an image pass this rule' })
  @IsBoolean()
  fixable!: boolean;

  @ApiProperty({ example: 'https://sellercentral.amazon.com/gp/help/external/G9FUUH87RBNXGKB7', description: 'Where the rule comes from' })
  @IsUrl({ protocols: ['https'], require_protocol: true })
  source!: string;

  @ApiProperty({ example: '2026-11-29', description: 'The day the source was last read (YYYY-MM-DD)' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'checkedAt must be a date written YYYY-MM-DD, got "$value"' })
  checkedAt!: string;

  @ApiPropertyOptional({ description: 'Where sources disagree or a figure is a third-party one: what each says and why this value was chosen' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class SlotDefaultsDto {
  @ApiProperty({ example: 2000, description: 'Canvas width in pixels' })
  @IsInt()
  @Min(1)
  @Max(20000)
  width!: number;

  @ApiProperty({ example: 2000, description: 'Canvas height in pixels' })
  @IsInt()
  @Min(1)
  @Max(20000)
  height!: number;

  @ApiPropertyOptional({ example: 0.85, description: "The subject box's longest side over the canvas's; a slot gives fill or margin, not both" })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.05)
  @Max(1)
  fill?: number;

  @ApiPropertyOptional({ example: 0.08, description: 'Space around the subject, as a share of the canvas on each side (0 to 0.49)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(0.49)
  margin?: number;

  @ApiProperty({ example: 'white', description: '`white`, `transparent` or `#rrggbb`' })
  @Matches(/^(white|transparent|#[0-9a-f]{6})$/, { message: 'background must be white, transparent or #rrggbb, got "$value"' })
  background!: string;

  @ApiProperty({ enum: OUTPUT_FORMATS })
  @IsIn(OUTPUT_FORMATS)
  format!: string;

  @ApiPropertyOptional({ example: 10000000, description: 'The encoder keeps the file under this many bytes' })
  @IsOptional()
  @IsInt()
  @Min(1024)
  maxBytes?: number;
}

export class MarketplaceSlotDto {
  @ApiProperty({ example: 'amazon-main', description: 'Unique across packs: `/process` takes it as a preset' })
  @Matches(ID, { message: ID_MESSAGE })
  id!: string;

  @ApiProperty({ example: 'Main image' })
  @IsString()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ type: SlotDefaultsDto, description: 'What a `/process` preset of this slot sets' })
  @IsDefined()
  @ValidateNested()
  @Type(() => SlotDefaultsDto)
  defaults!: SlotDefaultsDto;

  @ApiProperty({ type: [MarketplaceRuleDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MarketplaceRuleDto)
  rules!: MarketplaceRuleDto[];
}

export class MarketplacePackDto {
  @ApiProperty({ example: 'amazon' })
  @Matches(ID, { message: ID_MESSAGE })
  id!: string;

  @ApiProperty({ example: 'Amazon' })
  @IsString()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ type: [MarketplaceSlotDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => MarketplaceSlotDto)
  slots!: MarketplaceSlotDto[];
}
