import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { AppError } from './errors/app-error';

export const DEFAULT_PAGE_SIZE = 20;

export class CursorQueryDto {
  @ApiPropertyOptional({ description: 'Items per page', minimum: 1, maximum: 100, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export class PageInfoDto {
  @ApiProperty({ description: 'Pass as ?cursor= to get the next page; null on the last page', nullable: true, type: String })
  nextCursor!: string | null;
}

/** Cursors are opaque to clients: the id of the last item, base64url-encoded. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f-]{36}$/.test(id)) {
    throw new AppError('validation_failed', 'The cursor is not one this API issued', { fields: [{ field: 'cursor', messages: ['cursor is invalid'] }] });
  }
  return id;
}

/** Fetch limit + 1 rows; the extra one only tells whether another page exists. */
export function toPage<T extends { id: string }, R>(rows: T[], limit: number, map: (row: T) => R): { data: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? Buffer.from(page[page.length - 1].id).toString('base64url') : null;
  return { data: page.map(map), nextCursor };
}
