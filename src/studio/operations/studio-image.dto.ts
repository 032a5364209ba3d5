import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** A studio source: base64 `data`, a gallery `imageId`, or a `url` to fetch; exactly one. A form sends it as the file `image`. */
export class StudioImageDto {
  @ApiPropertyOptional({ description: "The image as base64 (no data: prefix), up to the plan's maxSourceBytes (25 MB by default)" })
  @IsOptional()
  @IsString()
  data?: string;

  @ApiPropertyOptional({ example: 'image/jpeg', description: 'Informative: the format is read from the bytes' })
  @IsOptional()
  @IsIn(['image/png', 'image/jpeg', 'image/webp', 'image/avif', 'image/tiff', 'image/gif'])
  mimeType?: string;

  @ApiPropertyOptional({ description: 'Instead of data: an image of your gallery' })
  @IsOptional()
  @IsUUID()
  imageId?: string;

  @ApiPropertyOptional({ example: 'https://example.com/shoe.jpg', maxLength: 2048, description: 'Instead of data: an http(s) URL to download the image from (public addresses only)' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;
}

/** A form's files arrive as a list (multipart-form.ts); the studio takes one. */
export const oneFile = ({ value }: { value: unknown }) => (Array.isArray(value) && value.length === 1 ? value[0] : value);
