import type { MountRoutes } from '../../platform/http/routes';

/** Plain HTTP downloads of National Agency reporting (registered by mobility.module.ts). */
export const mountReportingRoutes: MountRoutes = () => {};
