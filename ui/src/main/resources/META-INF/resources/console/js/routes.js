// The console's pages by hash route (#/…).
import { teamsPage } from './views/teams.js';
import { teamPage } from './views/team.js';
import { applicationPage } from './views/application.js';
import { instancePage } from './views/instance.js';
import { snapshotPage, snapshotDiffPage, promotionDiffPage } from './views/flowviews.js';
import { pipelinePage } from './views/pipeline.js';
import { devicesPage } from './views/devices.js';
import { rolloutsPage, rolloutPage } from './views/rollouts.js';
import { auditPage } from './views/audit.js';

const ID = '([^/]+)';

export const routes = [
  [/^\/$/, teamsPage],
  [new RegExp(`^/teams/${ID}$`), teamPage],
  [new RegExp(`^/teams/${ID}/devices$`), devicesPage],
  [new RegExp(`^/teams/${ID}/rollouts$`), rolloutsPage],
  [new RegExp(`^/applications/${ID}$`), applicationPage],
  [new RegExp(`^/instances/${ID}$`), instancePage],
  [new RegExp(`^/snapshots/${ID}$`), snapshotPage],
  [new RegExp(`^/snapshots/${ID}/diff/${ID}$`), snapshotDiffPage],
  [new RegExp(`^/pipelines/${ID}$`), pipelinePage],
  [new RegExp(`^/promotions/${ID}/diff$`), promotionDiffPage],
  [new RegExp(`^/rollouts/${ID}$`), rolloutPage],
  [/^\/audit$/, auditPage],
];
