import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { APP_CONFIG, type AppConfig } from './app-config';
import type { Plan } from './plans';

@Injectable()
export class PlansService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get defaultPlanId(): string {
    return this.config.plans.defaultPlan;
  }

  /** An organisation on a plan that was since removed from plans.yaml falls back to the default. */
  get(id: string): Plan {
    return this.config.plans.plans[id] ?? this.config.plans.plans[this.config.plans.defaultPlan];
  }

  require(id: string): Plan {
    const plan = this.config.plans.plans[id];
    if (!plan) {
      throw new AppError('validation_failed', `Unknown plan "${id}"`, { fields: [{ field: 'plan', messages: [`plan must be one of: ${this.ids().join(', ')}`] }] });
    }
    return plan;
  }

  ids(): string[] {
    return Object.keys(this.config.plans.plans);
  }
}
