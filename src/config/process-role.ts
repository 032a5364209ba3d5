import type { AppConfig } from './app-config';

/** Processes with role `api` accept work but leave background work (jobs, webhook sending, purges) to the others. */
export const runsJobs = (config: Pick<AppConfig, 'processRole'>): boolean => config.processRole !== 'api';
