import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CursorQueryDto } from '../common/pagination';
import { JOB_TYPES, type JobType } from './job.entity';

export class JobQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ enum: JOB_TYPES })
  @IsOptional()
  @IsIn(JOB_TYPES)
  type?: JobType;

  @ApiPropertyOptional({ enum: ['queued', 'processing', 'completed', 'failed', 'canceled'] })
  @IsOptional()
  @IsIn(['queued', 'processing', 'completed', 'failed', 'canceled'])
  status?: 'queued' | 'processing' | 'completed' | 'failed' | 'canceled';
}
