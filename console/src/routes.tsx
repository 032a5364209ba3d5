import type { ComponentType } from 'preact';
import type { RouteComponentProps } from 'wouter-preact';
import { Credits } from './screens/credits/Credits';
import { Integrations } from './screens/integrations/Integrations';
import { JobDetail } from './screens/jobs/JobDetail';
import { Jobs } from './screens/jobs/Jobs';
import { ApiKeys } from './screens/keys/ApiKeys';
import { SignIn } from './screens/login/SignIn';
import { Organisation } from './screens/organisation/Organisation';
import { Providers } from './screens/providers/Providers';
import { SignUp } from './screens/signup/SignUp';
import { Studio } from './screens/studio/Studio';
import { Tester } from './screens/tester/Tester';
import { Verify } from './screens/verify/Verify';
import { Webhooks } from './screens/webhooks/Webhooks';

export interface ScreenRoute {
  /** Under /console (wouter's base), e.g. '/keys'. */
  path: string;
  /** Takes the path's parameters (e.g. '/jobs/:jobId') as `params`. */
  component: ComponentType<RouteComponentProps>;
  /** The link's name in the "Main" nav; none: not in the nav. */
  nav?: string;
  /** The nav link shows only to users with this scope in the organisation. */
  scope?: string;
}

/** Screens for visitors who are not signed in. */
export const publicRoutes: ScreenRoute[] = [
  { path: '/signup', component: SignUp },
  { path: '/verify', component: Verify },
  { path: '/login', component: SignIn },
];

/** Screens inside the signed-in layout, in nav order. Add one line per screen. */
export const screens: ScreenRoute[] = [
  { path: '/keys', component: ApiKeys, nav: 'API keys', scope: 'keys:read' },
  { path: '/jobs', component: Jobs, nav: 'Jobs', scope: 'jobs:read' },
  { path: '/jobs/:jobId', component: JobDetail, scope: 'jobs:read' },
  { path: '/credits', component: Credits, nav: 'Credits', scope: 'credits:read' },
  { path: '/organisation', component: Organisation, nav: 'Organisation' },
  { path: '/providers', component: Providers, nav: 'Providers', scope: 'providers:read' },
  { path: '/webhooks', component: Webhooks, nav: 'Webhooks', scope: 'webhooks:write' },
  { path: '/integrations', component: Integrations, nav: 'Integrations', scope: 'channels:read' },
  { path: '/studio', component: Studio, nav: 'Studio', scope: 'studio:process' },
  { path: '/tester', component: Tester, nav: 'API tester' },
];

/** Where signing in lands. */
export const HOME = '/keys';
