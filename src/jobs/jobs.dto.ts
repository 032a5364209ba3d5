import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CursorQueryDto } from '../common/pagination';

export class JobQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ enum: ['images.generate'] })
  @IsOptional()
  @IsIn(['images.generate'])
  type?: 'images.generate';

  @ApiPropertyOptional({ enum: ['queued', 'processing', 'completed', 'failed', 'canceled'] })
  @IsOptional()
  @IsIn(['queued', 'processing', 'completed', 'failed', 'canceled'])
  status?: 'queued' | 'processing' | 'completed' | 'failed' | 'canceled';
}
