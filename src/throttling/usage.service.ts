import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import type { Plan } from '../config/plans';
import { UsageRepository } from './usage.repository';

export const utcDay = (at = new Date()): string => at.toISOString().slice(0, 10);

export function nextUtcMidnight(at = new Date()): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}

/** The plan's daily quota of work, kept in the database so it survives restarts and spans nodes. */
@Injectable()
export class UsageService {
  constructor(private readonly usage: UsageRepository) {}

  today(orgId: string): Promise<number> {
    return this.usage.unitsOn(orgId, utcDay());
  }

  async consumeDaily(orgId: string, plan: Plan, units: number): Promise<void> {
    const ok = await this.usage.tryConsume(orgId, utcDay(), units, plan.dailyImages);
    if (!ok) {
      const resetsAt = nextUtcMidnight();
      const retryAfter = Math.ceil((resetsAt.getTime() - Date.now()) / 1000);
      throw new AppError(
        'daily_limit_reached',
        `The ${plan.name} plan allows ${plan.dailyImages} images a day; the quota resets at ${resetsAt.toISOString()}`,
        { limit: plan.dailyImages, resetsAt: resetsAt.toISOString() },
        { 'retry-after': String(retryAfter) },
      );
    }
  }
}
